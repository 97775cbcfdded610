/* Maps of a collect step (Leaflet, served by Palabre): the proposals' pins from a JSON
 * endpoint, one proposal's pin, or a pin picker in the proposal form. Without a tile URL the
 * map still shows the pins on a plain background. Texts come from data attributes.
 *
 * Pins close together are grouped (Leaflet.markercluster, served by Palabre too): a group is
 * a button named by its count, Enter or a click zooms in on it. A district's name goes to the
 * free place nearest its pole of inaccessibility (the inner point farthest from its edges),
 * clear of pins, groups and other names; with no free place it is hidden until one zooms in. */
(function () {
  "use strict";

  function pinIcon(colour) {
    return window.L.divIcon({ className: "collect-pin", iconSize: [18, 18], iconAnchor: [9, 9] });
  }

  function colourPin(marker, colour) {
    var el = marker.getElement();
    if (el && colour) el.style.backgroundColor = colour;
  }

  function base(el) {
    var L = window.L;
    var centre = (el.dataset.center || "46.2,2.9").split(",").map(Number);
    var map = L.map(el, { zoomControl: false, scrollWheelZoom: false, maxZoom: 19 });
    map.setView(centre, Number(el.dataset.zoom) || 13);
    L.control.zoom({
      zoomInTitle: el.dataset.labelZoomIn || "+",
      zoomOutTitle: el.dataset.labelZoomOut || "-"
    }).addTo(map);
    if (el.dataset.tileUrl) {
      L.tileLayer(el.dataset.tileUrl, {
        maxZoom: 19,
        attribution: el.dataset.tileAttribution || ""
      }).addTo(map);
    } else {
      el.classList.add("collect-map--no-tiles");
    }
    return map;
  }

  function popup(pin, urlTemplate, openLabel) {
    var box = document.createElement("div");
    var ref = document.createElement("p");
    ref.className = "collect-popup__ref";
    ref.textContent = pin[4];
    var link = document.createElement("a");
    link.href = urlTemplate.replace("{id}", String(pin[0]));
    link.textContent = pin[3];
    link.title = openLabel;
    box.appendChild(ref);
    box.appendChild(link);
    return box;
  }

  var reducedMotion = window.matchMedia &&
    window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  // A group of pins: a round button showing its count, named for screen readers.
  var ClusterIcon = window.L ? window.L.DivIcon.extend({
    createIcon: function (old) {
      var div = window.L.DivIcon.prototype.createIcon.call(this, old);
      div.setAttribute("aria-label", this.options.label);
      div.dataset.count = String(this.options.count);
      return div;
    }
  }) : null;

  function clusterIcon(cluster, template) {
    var n = cluster.getChildCount();
    var size = n < 10 ? 34 : n < 50 ? 40 : 46;
    var count = document.createElement("span");
    count.textContent = String(n);
    return new ClusterIcon({
      html: count,
      className: "collect-cluster",
      iconSize: [size, size],
      label: (template || "%(n)s").replace("%(n)s", n),
      count: n
    });
  }

  function pinLayer(el, map) {
    var L = window.L;
    if (!L.markerClusterGroup) return L.layerGroup().addTo(map);
    var group = L.markerClusterGroup({
      maxClusterRadius: 60,
      showCoverageOnHover: false,
      animate: !reducedMotion,
      iconCreateFunction: function (cluster) {
        return clusterIcon(cluster, el.dataset.labelCluster);
      }
    });
    // Opened from the keyboard, a group disappears as the map zooms in: the focus goes to
    // the map, from where Tab reaches the pins and groups now shown.
    group.on("clusterkeypress", function (event) {
      if (event.originalEvent && event.originalEvent.keyCode === 13) {
        map.once("zoomend", function () { el.focus({ preventScroll: true }); });
      }
    });
    return group.addTo(map);
  }

  // The polygons of a GeoJSON object, each as rings of [lng, lat].
  function polygons(geojson) {
    if (!geojson) return [];
    switch (geojson.type) {
      case "Polygon": return [geojson.coordinates];
      case "MultiPolygon": return geojson.coordinates;
      case "Feature": return polygons(geojson.geometry);
      case "FeatureCollection":
        return [].concat.apply([], geojson.features.map(polygons));
      case "GeometryCollection":
        return [].concat.apply([], geojson.geometries.map(polygons));
      default: return [];
    }
  }

  function ringArea(ring) {
    var sum = 0;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      sum += (ring[j][0] - ring[i][0]) * (ring[i][1] + ring[j][1]);
    }
    return Math.abs(sum / 2);
  }

  function segmentDistanceSq(px, py, a, b) {
    var x = a[0], y = a[1], dx = b[0] - x, dy = b[1] - y;
    if (dx !== 0 || dy !== 0) {
      var t = ((px - x) * dx + (py - y) * dy) / (dx * dx + dy * dy);
      if (t > 1) { x = b[0]; y = b[1]; } else if (t > 0) { x += dx * t; y += dy * t; }
    }
    dx = px - x; dy = py - y;
    return dx * dx + dy * dy;
  }

  // Distance from (x, y) to the polygon's edges, negative outside.
  function signedDistance(x, y, rings) {
    var inside = false, min = Infinity;
    rings.forEach(function (ring) {
      for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        var a = ring[i], b = ring[j];
        if ((a[1] > y) !== (b[1] > y) && x < (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]) + a[0]) {
          inside = !inside;
        }
        min = Math.min(min, segmentDistanceSq(x, y, a, b));
      }
    });
    return (inside ? 1 : -1) * Math.sqrt(min);
  }

  // The pole of inaccessibility of planar rings (the "polylabel" search over a quadtree of
  // cells, best first), to ``precision``.
  function pole(rings) {
    var outer = rings[0];
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    outer.forEach(function (p) {
      minX = Math.min(minX, p[0]); minY = Math.min(minY, p[1]);
      maxX = Math.max(maxX, p[0]); maxY = Math.max(maxY, p[1]);
    });
    var width = maxX - minX, height = maxY - minY, size = Math.min(width, height);
    if (!(size > 0)) return [minX + width / 2, minY + height / 2];
    var precision = Math.max(width, height) / 200;
    function cell(x, y, h) {
      var d = signedDistance(x, y, rings);
      return { x: x, y: y, h: h, d: d, max: d + h * Math.SQRT2 };
    }
    var queue = [];
    for (var x = minX; x < maxX; x += size) {
      for (var y = minY; y < maxY; y += size) queue.push(cell(x + size / 2, y + size / 2, size / 2));
    }
    var best = cell(minX + width / 2, minY + height / 2, 0);
    for (var steps = 0; queue.length && steps < 4000; steps++) {
      queue.sort(function (a, b) { return a.max - b.max; });
      var c = queue.pop();
      if (c.d > best.d) best = c;
      if (c.max - best.d <= precision) continue;
      var h = c.h / 2;
      queue.push(cell(c.x - h, c.y - h, h), cell(c.x + h, c.y - h, h),
        cell(c.x - h, c.y + h, h), cell(c.x + h, c.y + h, h));
    }
    return [best.x, best.y];
  }

  // Where a district's name goes: the pole of its largest polygon, as [lat, lng].
  function labelPoint(geojson) {
    var largest = null, area = -1;
    polygons(geojson).forEach(function (rings) {
      if (!rings.length || rings[0].length < 4) return;
      var a = ringArea(rings[0]);
      if (a > area) { area = a; largest = rings; }
    });
    if (!largest) return null;
    // Longitudes shrink with the latitude: compute on a locally square grid.
    var k = Math.cos(largest[0][0][1] * Math.PI / 180) || 1;
    var p = pole(largest.map(function (ring) {
      return ring.map(function (q) { return [q[0] * k, q[1]]; });
    }));
    return { latlng: [p[1], p[0] / k], area: area, rings: largest };
  }

  // Where a name may go, in pixels from its district's pole, nearest first.
  var LABEL_SHIFTS = (function () {
    var shifts = [];
    for (var dy = -96; dy <= 96; dy += 16) {
      for (var dx = -96; dx <= 96; dx += 32) shifts.push([dx, dy]);
    }
    return shifts.sort(function (a, b) {
      return (a[0] * a[0] + 4 * a[1] * a[1]) - (b[0] * b[0] + 4 * b[1] * b[1]);
    });
  })();

  function overlaps(a, b) {
    return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
  }

  // Each name (larger districts first) goes to the place nearest its district's pole, inside
  // the district and the map, where it covers no pin, no group and no name placed before it;
  // a name with no such place is hidden until one zooms in.
  function placeLabels(el, map, labels) {
    var L = window.L;
    var frame = el.getBoundingClientRect();
    var taken = Array.prototype.map.call(
      el.querySelectorAll(".leaflet-marker-icon"),
      function (icon) {
        var r = icon.getBoundingClientRect();
        return [r.left - 2, r.top - 2, r.right + 2, r.bottom + 2];
      }
    ).filter(function (box) { return box[2] > box[0]; });
    labels.forEach(function (label) {
      var node = label.tooltip.getElement();
      if (!node) return;
      L.setOptions(label.tooltip, { offset: L.point(0, 0) });
      label.tooltip.update();
      var r = node.getBoundingClientRect();
      var pole = map.latLngToContainerPoint(label.latlng);
      var spot = null, shift = null;
      for (var i = 0; i < LABEL_SHIFTS.length && !spot; i++) {
        var dx = LABEL_SHIFTS[i][0], dy = LABEL_SHIFTS[i][1];
        var box = [r.left + dx - 4, r.top + dy - 2, r.right + dx + 4, r.bottom + dy + 2];
        if (r.width === 0 || box[0] < frame.left || box[2] > frame.right ||
            box[1] < frame.top || box[3] > frame.bottom ||
            taken.some(function (b) { return overlaps(box, b); })) continue;
        var at = map.containerPointToLatLng(pole.add([dx, dy]));
        if (signedDistance(at.lng, at.lat, label.rings) <= 0) continue;
        spot = box;
        shift = L.point(dx, dy);
      }
      if (shift && (shift.x || shift.y)) {
        L.setOptions(label.tooltip, { offset: shift });
        label.tooltip.update();
      }
      node.classList.toggle("collect-district-label--hidden", !spot);
      if (spot) taken.push(spot);
    });
  }

  // The districts' outlines and names; returns what places the names again (after the pins
  // change), or a no-op.
  function districts(el, map) {
    var L = window.L;
    var outlines = document.getElementById(el.id + "-districts");
    if (!outlines) return function () {};
    var labels = [];
    // Names under the pins (not over them as tooltips are): a pane of their own.
    map.createPane("collectLabels").classList.add("collect-labels-pane");
    JSON.parse(outlines.textContent).forEach(function (district) {
      L.geoJSON(district.geojson, {
        interactive: false,
        style: { color: "#4a5968", weight: 1.5, fillColor: "#ffffff", fillOpacity: 0.35 }
      }).addTo(map);
      var where = labelPoint(district.geojson);
      if (!where) return;
      // A node, not a string: Leaflet writes a string tooltip as HTML.
      var name = document.createElement("span");
      name.textContent = district.name;
      var tooltip = L.tooltip({
        permanent: true, direction: "center", interactive: false, pane: "collectLabels",
        className: "collect-district-label"
      }).setLatLng(where.latlng).setContent(name).addTo(map);
      labels.push({ tooltip: tooltip, area: where.area, latlng: where.latlng, rings: where.rings });
    });
    labels.sort(function (a, b) { return b.area - a.area; });
    var pending = false;
    // data-labels-placed (the zoom level) says the names are where they stay: placed while
    // neither the map's zoom nor the groups were moving. Tests wait for it.
    var pane = map.getPane("mapPane");
    function place() {
      delete el.dataset.labelsPlaced;
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(function () {
        pending = false;
        placeLabels(el, map, labels);
        if (!pane.classList.contains("leaflet-zoom-anim") &&
            !pane.classList.contains("leaflet-cluster-anim")) {
          el.dataset.labelsPlaced = String(map.getZoom());
        }
      });
    }
    map.on("zoomend moveend resize", place);
    place();
    return place;
  }

  function pinsMap(el) {
    var L = window.L;
    var map = base(el);
    var relabel = districts(el, map);
    var layer = pinLayer(el, map);
    // Names keep clear of the pins and groups: placed again whenever these change.
    layer.on("animationend", relabel);
    var status = document.getElementById(el.id + "-status");
    var first = true;
    el.dataset.zoomLevel = String(map.getZoom());
    map.on("zoomend", function () { el.dataset.zoomLevel = String(map.getZoom()); });

    function load(bbox) {
      var url = el.dataset.pinsUrl;
      if (bbox) url += (url.indexOf("?") < 0 ? "?" : "&") + "bbox=" + bbox;
      return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (data) {
          layer.clearLayers();
          var points = [];
          var markers = [];
          data.pins.forEach(function (pin) {
            var marker = L.marker([pin[1], pin[2]], {
              icon: pinIcon(pin[5]),
              title: pin[4] + " — " + pin[3],
              keyboard: true
            });
            marker.bindPopup(popup(pin, data.url, el.dataset.labelOpen || ""));
            if (pin[5]) marker.on("add", function () { colourPin(marker, pin[5]); });
            markers.push(marker);
            points.push([pin[1], pin[2]]);
          });
          // All at once: the group computes its clusters once, not once per pin.
          if (layer.addLayers) layer.addLayers(markers);
          else markers.forEach(function (marker) { marker.addTo(layer); });
          if (first && points.length) {
            map.fitBounds(points, { padding: [30, 30], maxZoom: 16 });
          }
          relabel();
          first = false;
          el.dataset.loaded = String(data.count);
          if (status) {
            var text = (el.dataset.labelCount || "%(n)s").replace("%(n)s", data.count);
            if (data.truncated) text += " " + (el.dataset.labelTruncated || "");
            status.textContent = text;
          }
          return data;
        });
    }

    load(null).then(function (data) {
      if (data.truncated) {
        map.on("moveend", function () {
          var b = map.getBounds();
          load([b.getSouth(), b.getWest(), b.getNorth(), b.getEast()].map(function (v) {
            return v.toFixed(5);
          }).join(","));
        });
      }
    }).catch(function () {
      if (status) status.textContent = el.dataset.labelError || "";
    });
  }

  function onePin(el) {
    var L = window.L;
    var map = base(el);
    var latlng = el.dataset.pin.split(",").map(Number);
    var marker = L.marker(latlng, { icon: pinIcon(), keyboard: false, interactive: false });
    marker.addTo(map);
    map.setView(latlng, 16);
  }

  function picker(el) {
    var L = window.L;
    var map = base(el);
    var form = el.closest("form");
    var lat = form && form.querySelector("input[name=latitude]");
    var lng = form && form.querySelector("input[name=longitude]");
    if (!lat || !lng) return;
    var marker = null;

    function place(latlng, pan) {
      if (!marker) {
        marker = L.marker(latlng, { icon: pinIcon(), keyboard: false, interactive: false });
        marker.addTo(map);
      } else {
        marker.setLatLng(latlng);
      }
      if (pan) map.setView(latlng, Math.max(map.getZoom(), 15));
    }

    if (el.dataset.pin) place(el.dataset.pin.split(",").map(Number), true);
    map.on("click", function (event) {
      lat.value = event.latlng.lat.toFixed(6);
      lng.value = event.latlng.lng.toFixed(6);
      [lat, lng].forEach(function (input) {
        input.dispatchEvent(new Event("input", { bubbles: true }));
        input.dispatchEvent(new Event("change", { bubbles: true }));
      });
      place(event.latlng, false);
    });
    function typed() {
      var a = parseFloat(lat.value);
      var b = parseFloat(lng.value);
      if (!isNaN(a) && !isNaN(b) && Math.abs(a) <= 90 && Math.abs(b) <= 180) place([a, b], true);
    }
    lat.addEventListener("change", typed);
    lng.addEventListener("change", typed);
  }

  function start() {
    if (!window.L) return;
    Array.prototype.forEach.call(document.querySelectorAll("[data-map]"), function (el) {
      if (el.dataset.picker) picker(el);
      else if (el.dataset.pinsUrl) pinsMap(el);
      else if (el.dataset.pin) onePin(el);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
