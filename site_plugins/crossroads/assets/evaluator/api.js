// Crossroads evaluator: the embedding and testing API, window.crossroads
// (described in evaluator.js).

export function publicApi(client, config) {
  return Object.freeze({
    get ready() {
      return client.ready;
    },
    method_version: config.method_version,
    profile: config.profile,
    evaluate(answers, options = {}) {
      const request = { answers };
      if (options && Object.hasOwn(options, "profile")) request.profile = options.profile;
      return client.call({ op: "assess", request });
    },
    check(doc) {
      return client.call({ op: "check", request: doc });
    },
  });
}
