// Loaded from a file, as the Content-Security-Policy (script-src 'self') requires.
"use strict";

// A form marked data-warn-unsaved asks before the page is left with what was typed in it
// unsaved. Submitting the form itself is not leaving it.
function warnBeforeLosingText() {
  const forms = document.querySelectorAll("form[data-warn-unsaved]");
  let dirty = false;
  forms.forEach((form) => {
    form.addEventListener("input", () => { dirty = true; });
    form.addEventListener("change", () => { dirty = true; });
    form.addEventListener("submit", () => { dirty = false; });
  });
  if (forms.length === 0) return;
  // A page shown again after a refused submit holds unsaved text from the start.
  dirty = document.querySelector("[data-error-summary]") !== null;
  window.addEventListener("beforeunload", (event) => {
    if (!dirty) return;
    event.preventDefault();
    event.returnValue = "";
  });
}

document.addEventListener("DOMContentLoaded", () => {
  warnBeforeLosingText();
});
