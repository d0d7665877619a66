// Crossroads evaluator: the embedding and testing API, window.crossroads
// (described in evaluator.js and in the handbook's hosting page). The
// register page has the same API; there `ready` starts the engine.

export function publicApi(client, config, register = null) {
  const engine = typeof client === "function" ? client : () => client;
  const api = {
    get ready() {
      return engine().ready;
    },
    method_version: config.method_version,
    profile: config.profile,
    evaluate(answers, options = {}) {
      const request = { answers };
      if (options && Object.hasOwn(options, "profile")) request.profile = options.profile;
      return engine().call({ op: "assess", request });
    },
    check(doc) {
      return engine().call({ op: "check", request: doc });
    },
    // The engine's comparison of two assessment documents (a earlier, b later).
    compare(a, b) {
      return engine().call({ op: "compare", request: { old: a, new: b } });
    },
  };
  if (register) {
    api.register = Object.freeze({
      list: () => register.list(),
      get: (partnershipId) => register.get(partnershipId),
      save: (doc, options = {}) => register.save(doc, { expect: options.expect, force: !!options.force }),
      remove: (partnershipId, versionId = null) => register.remove(partnershipId, versionId),
      export: () => register.export(config.method_version),
      import: (doc, options = {}) => register.import(doc, { replace: async () => !!options.replace }),
    });
  }
  return Object.freeze(api);
}
