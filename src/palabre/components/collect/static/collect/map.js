/* Maps of a collect step (Leaflet, served by Palabre): the proposals' pins from a JSON
 * endpoint, one proposal's pin, or a pin picker in the proposal form. Without a tile URL the
 * map still shows the pins on a plain background. Texts come from data attributes. */
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
    var map = L.map(el, { zoomControl: false, scrollWheelZoom: false });
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

  function pinsMap(el) {
    var L = window.L;
    var map = base(el);
    var layer = L.layerGroup().addTo(map);
    var status = document.getElementById(el.id + "-status");
    var first = true;
    var outlines = document.getElementById(el.id + "-districts");
    if (outlines) {
      JSON.parse(outlines.textContent).forEach(function (district) {
        // A node, not a string: Leaflet writes a string tooltip as HTML.
        var label = document.createElement("span");
        label.textContent = district.name;
        L.geoJSON(district.geojson, {
          interactive: false,
          style: { color: "#4a5968", weight: 1.5, fillColor: "#ffffff", fillOpacity: 0.35 }
        }).bindTooltip(label, {
          permanent: true, direction: "center", className: "collect-district-label"
        }).addTo(map);
      });
    }

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
          data.pins.forEach(function (pin) {
            var marker = L.marker([pin[1], pin[2]], {
              icon: pinIcon(pin[5]),
              title: pin[4] + " — " + pin[3],
              keyboard: true
            });
            marker.bindPopup(popup(pin, data.url, el.dataset.labelOpen || ""));
            marker.addTo(layer);
            colourPin(marker, pin[5]);
            points.push([pin[1], pin[2]]);
          });
          if (first && points.length) {
            map.fitBounds(points, { padding: [30, 30], maxZoom: 16 });
          }
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
