// Crossroads: offline reading, on the page's side.
//
// With offline reading on (the default; plugin option `offline`), registers
// the site's service worker (sw.js at the site's root, written by the build),
// and tells the reader once, politely, when a newer build of the handbook has
// been downloaded: "Reload" switches to it. With the option off, removes a
// worker installed by an earlier build, and its caches.
//
// The notice's texts are in the page's language (<html lang>), from
// assets/crossroads/notice-strings.json, which the build writes from
// scenarios/i18n/strings/evaluator.<lang>.yaml.
//
// Settings come from this script's element: data-root (the site's root,
// relative to the page) and data-offline ("on" or "off"). The worker only
// ever requests the site's own files; nothing is sent anywhere.
(function () {
  var script = document.currentScript;
  if (!script || !("serviceWorker" in navigator)) return;
  // The root ends in exactly one slash (on the 404 page base_url is "/", so the attribute reads "//").
  var root = new URL((script.dataset.root || ".").replace(/\/+$/, "") + "/", location.href);
  var prefix = "crossroads:" + root.pathname + ":";
  var container = navigator.serviceWorker;

  if (script.dataset.offline !== "on") {
    container.getRegistrations().then(function (registrations) {
      registrations.forEach(function (registration) {
        if (registration.scope === root.href) registration.unregister();
      });
    }).catch(function () {});
    if (window.caches) {
      caches.keys().then(function (names) {
        names.forEach(function (name) {
          if (name.indexOf(prefix) === 0) caches.delete(name);
        });
      }).catch(function () {});
    }
    return;
  }

  var notice = null;
  var asked = false;

  // The notice: an empty polite live region from the start (so that the
  // message, when it comes, is announced), with the buttons beside it.
  function makeNotice() {
    var box = document.createElement("div");
    box.className = "cr-update md-typeset";
    box.hidden = true;
    var text = document.createElement("p");
    text.className = "cr-update__text";
    text.setAttribute("role", "status");
    var reload = document.createElement("button");
    reload.type = "button";
    reload.className = "md-button md-button--primary cr-update__reload";
    reload.textContent = "";
    var later = document.createElement("button");
    later.type = "button";
    later.className = "md-button cr-update__later";
    later.textContent = "";
    later.addEventListener("click", function () {
      box.hidden = true;
    });
    box.append(text, reload, later);
    document.body.append(box);
    return { box: box, text: text, reload: reload, later: later };
  }

  // The notice's texts in the page's language (English when there are none for it).
  function noticeTexts() {
    return fetch(new URL("assets/crossroads/notice-strings.json", root).href)
      .then(function (response) {
        return response.ok ? response.json() : {};
      })
      .catch(function () {
        return {};
      })
      .then(function (all) {
        var lang = (document.documentElement.lang || "en").split("-")[0];
        return all[lang] || all.en || null;
      });
  }

  function offerUpdate(waiting) {
    if (!notice || notice.offered) return; // announced once per page
    notice.offered = true;
    notice.reload.addEventListener("click", function () {
      asked = true;
      notice.reload.disabled = true;
      waiting.postMessage({ type: "activate" });
    });
    noticeTexts().then(function (texts) {
      if (!texts) return; // no texts: no notice (the update is used on the next visit)
      notice.reload.textContent = texts["offline.reload"];
      notice.later.textContent = texts["offline.later"];
      notice.box.hidden = false;
      notice.text.textContent = texts["offline.available"];
    });
  }

  function watchInstalling(registration) {
    var worker = registration.installing;
    if (!worker) return;
    worker.addEventListener("statechange", function () {
      // A first installation is not an update: there is nothing newer to offer.
      if (worker.state === "installed" && container.controller) offerUpdate(worker);
    });
  }

  container.addEventListener("controllerchange", function () {
    if (asked) location.reload();
  });

  function keepRuntime(registration) {
    var engine = window.crossroads && window.crossroads.ready;
    if (!engine) return;
    Promise.resolve(engine).then(function () {
      var worker = registration.active || registration.waiting || registration.installing;
      if (worker) worker.postMessage({ type: "keep-runtime" });
    }).catch(function () {});
  }

  window.addEventListener("load", function () {
    notice = makeNotice();
    container.register(new URL("sw.js", root).href, { scope: root.href }).then(function (registration) {
      if (registration.waiting && container.controller) offerUpdate(registration.waiting);
      watchInstalling(registration);
      registration.addEventListener("updatefound", function () {
        watchInstalling(registration);
      });
      container.ready.then(keepRuntime);
    }).catch(function () {
      // No worker (a host that does not serve sw.js, a private window):
      // the site works as before, online only.
    });
  });
})();
