// The derivative a backward function applies (Python's graph/explain.py), drawn in the node panel:
// one line per input, `self: grad * other`, and under it the same with the saved numbers in.
const CSS = `
.aw-derivative { margin-top: 6px; padding-top: 4px; border-top: 1px solid #eee; }
.aw-derivative .aw-formula { white-space: pre-wrap; word-break: break-word; padding: 1px 0; }
.aw-derivative .aw-numeric { white-space: pre-wrap; word-break: break-word; color: #1f5fa8; padding-left: 1em; }
.aw-derivative .aw-note { color: #888; font-style: italic; }
`;

let styled = false;

/** An element showing `d` ({name, status, note, lines, where}: rows of {input, formula, numeric}). */
export function derivativeBlock(d) {
  if (!styled) {
    const style = document.createElement("style");
    style.textContent = CSS;
    document.head.append(style);
    styled = true;
  }
  const box = document.createElement("div");
  box.className = "aw-derivative";
  const title = document.createElement("b");
  title.textContent = "derivative";
  box.append(title);
  for (const { input, formula, numeric } of [...(d.where || []), ...(d.lines || [])]) {
    const f = document.createElement("div");
    f.className = "aw-formula";
    f.dataset.input = input;
    f.textContent = `${input}: ${formula}`;
    box.append(f);
    if (numeric != null && numeric !== formula) {
      const n = document.createElement("div");
      n.className = "aw-numeric";
      n.textContent = `= ${numeric}`;
      box.append(n);
    }
  }
  if (d.note) {
    const note = document.createElement("div");
    note.className = "aw-note";
    note.textContent = d.note;
    box.append(note);
  }
  return box;
}
