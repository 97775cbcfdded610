/* The sticky « Votre bulletin » bar: keep the page's scroll-padding-top equal to the space it
 * takes, so that whatever gets the keyboard focus scrolls clear of it (WCAG 2.2 « focus not
 * obscured »). The bar grows and shrinks as htmx swaps its counter and status line. */
(function () {
  "use strict";

  var GAP = 8; // px between the bar and what gets the focus

  function start() {
    var box = document.querySelector(".ballot-box");
    if (!box) return;
    var root = document.documentElement;

    function update() {
      var style = window.getComputedStyle(box);
      if (style.position !== "sticky") {
        root.style.removeProperty("--ballot-box-space");
        return;
      }
      var top = parseFloat(style.top) || 0;
      var space = Math.ceil(top + box.getBoundingClientRect().height + GAP);
      root.style.setProperty("--ballot-box-space", space + "px");
    }

    if (window.ResizeObserver) new window.ResizeObserver(update).observe(box);
    window.addEventListener("resize", update);
    update();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
