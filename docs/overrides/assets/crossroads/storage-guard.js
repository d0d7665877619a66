// Crossroads: keep the theme quiet where the browser denies storage.
//
// Material's page-start script (partials/javascripts/base.html) defines
// __md_get and __md_set, which read localStorage through a default
// parameter; where the browser denies storage (cookies blocked, some
// privacy modes, sandboxed frames) merely reading `localStorage` throws a
// SecurityError, and the palette script and the theme's bundle then stop
// with uncaught errors. This file runs right after the page-start script and
// wraps both: no stored setting is read (null) and nothing is written, and
// the page carries on with its defaults. A stored value that is not JSON is
// read as null too.
//
// It is a file, not an inline script, so that the Content-Security-Policy
// of deploy/nginx.conf allows it without a new hash ('self').
(function () {
  var get = window.__md_get;
  var set = window.__md_set;
  if (typeof get === "function") {
    window.__md_get = function () {
      try {
        return get.apply(this, arguments);
      } catch (error) {
        return null;
      }
    };
  }
  if (typeof set === "function") {
    window.__md_set = function () {
      try {
        return set.apply(this, arguments);
      } catch (error) {
        return undefined;
      }
    };
  }
})();
