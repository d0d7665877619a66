// Crossroads register: merging a register file into the register of this
// browser (Register.import). The engine checks the whole file first (op
// "check_register"): a refused file changes nothing.

// Merge the register file `doc`, as the engine checked it (`checked`): new
// versions are added and identical ones skipped; a version stored here that
// differs from the file's is replaced only if `replace(differing)` (given
// [{partnership, version, name, stored_at, file_at, newer}]) resolves true.
// Resolves with what was done.
export async function mergeRegister(register, doc, checked, { replace = async () => false } = {}) {
  const incoming = [];
  for (const [i, entry] of (checked.partnerships || []).entries()) {
    for (const [j, version] of (entry.versions || []).entries()) {
      const original = ((doc.partnerships || [])[i] || {}).versions || [];
      // The engine's checked document, with what it keeps as it was.
      const full = { ...(original[j] || {}), ...version };
      full.partnership = { ...((original[j] || {}).partnership || {}), ...(version.partnership || {}), id: entry.id };
      incoming.push(full);
    }
  }
  const added = [];
  const differing = [];
  let unchanged = 0;
  for (const version of incoming) {
    const stored = await register.record(version.id);
    if (!stored) added.push(version);
    else if (JSON.stringify(stored.doc) === JSON.stringify(version)) unchanged += 1;
    else {
      differing.push({
        partnership: version.partnership.id,
        version: version.id,
        name: version.partnership.name || "",
        stored_at: stored.saved_at,
        file_at: String(version.saved_at || ""),
        newer: String(version.saved_at || "") > stored.saved_at ? "file" : "stored",
        doc: version,
      });
    }
  }
  const asked = differing.map((d) => Object.fromEntries(Object.entries(d).filter(([key]) => key !== "doc")));
  const replaced = differing.length && (await replace(asked)) ? differing.map((d) => d.doc) : [];
  for (const version of [...added, ...replaced]) {
    const result = await register.save(version, { force: true });
    if (!result.saved) throw new Error(`the version ${version.id} could not be stored.`);
  }
  return { added: added.length, unchanged, replaced: replaced.length, kept: differing.length - replaced.length };
}
