// One <style> element per id in the page's head, however many widgets are drawn.
export function addStyle(id, css) {
  if (document.getElementById(id)) return;
  const style = document.createElement("style");
  style.id = id;
  style.textContent = css;
  document.head.append(style);
}

// A new element with these classes.
export const element = (tag, className = "") => Object.assign(document.createElement(tag), { className });
