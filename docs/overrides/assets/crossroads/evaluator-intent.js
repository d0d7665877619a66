// Crossroads: start fetching the evaluator's runtime when a reader shows
// that they are going there.
//
// On every page but the evaluator itself, pointing at or focusing a link to
// the evaluator page (data-evaluator on this script's tag) reads the list of
// the runtime's files the build wrote (data-files: assets/evaluator/runtime.json,
// with each file's content hash) and asks the browser to prefetch them
// (<link rel="prefetch">, low priority, kept in the browser's cache), so that
// the engine is ready sooner after the click. Nothing is fetched when no
// such link is pointed at or focused, and nothing ever leaves this site.
(function () {
  var script = document.currentScript;
  if (!script || !("fetch" in window)) return;
  var evaluator = new URL(script.dataset.evaluator, location.href).pathname;
  var files = new URL(script.dataset.files, location.href).href;
  if (location.pathname === evaluator) return;
  var started = false;

  function toEvaluator(target) {
    var link = target && target.closest ? target.closest("a[href]") : null;
    if (!link) return false;
    var url = new URL(link.href, location.href);
    return url.origin === location.origin && url.pathname === evaluator;
  }

  function prefetch() {
    started = true;
    fetch(files)
      .then(function (response) {
        return response.ok ? response.json() : { files: [] };
      })
      .then(function (list) {
        (list.files || []).forEach(function (file) {
          var link = document.createElement("link");
          link.rel = "prefetch";
          link.href = new URL(file, files).href;
          document.head.appendChild(link);
        });
      })
      .catch(function () {
        started = false; // try again on the next sign of intent
      });
  }

  function intent(event) {
    if (!started && toEvaluator(event.target)) prefetch();
  }

  document.addEventListener("pointerover", intent, { passive: true });
  document.addEventListener("focusin", intent);
})();
