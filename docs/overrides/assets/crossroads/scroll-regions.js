// Crossroads: wide tables on narrow screens (or in longer languages) scroll
// sideways inside Material's wrapper. A keyboard user can scroll only a region
// that can take focus, so each wrapper that overflows becomes a focusable,
// labelled region, and stops being one when the table fits again.
(function () {
  function label(wrap) {
    var table = wrap.querySelector("table");
    var caption = table && table.caption ? table.caption.textContent.trim() : "";
    if (caption) return caption;
    var node = wrap.previousElementSibling;
    while (node && !/^H[1-6]$/.test(node.tagName)) node = node.previousElementSibling;
    return (node ? node.textContent : document.title).replace(/\u00b6\s*$/, "").trim();
  }

  function update() {
    var wraps = document.querySelectorAll(".md-typeset__scrollwrap");
    for (var i = 0; i < wraps.length; i++) {
      var wrap = wraps[i];
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", label(wrap));
      } else if (wrap.getAttribute("role") === "region") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    }
  }

  var pending = 0;
  function later() {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(update);
  }

  if (document.readyState === "complete") update();
  else window.addEventListener("load", update);
  window.addEventListener("resize", later);
  // Material wraps the tables after the page is parsed; a new wrapper is checked when it appears.
  new MutationObserver(later).observe(document.body, { childList: true, subtree: true });
})();
