// Progressive enhancement only: pages work without it. Loaded as a module so the CSP needs no
// inline script; it replaces the inline snippet in GOV.UK Frontend's page template.
import { initAll } from "./govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// Autosave for forms that opt in with data-autosave: post the form in the background on change.
for (const form of document.querySelectorAll("form[data-autosave]")) {
  let timer = null;
  const status = form.querySelector("[data-autosave-status]");
  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const body = new FormData(form);
      body.set("autosave", "1");
      const response = await fetch(form.dataset.autosave, { method: "POST", body });
      if (status) {
        status.textContent = response.ok ? "Saved" : "Not saved: use the save button";
      }
      if (response.ok) {
        const data = await response.json();
        const version = form.querySelector("input[name=version]");
        if (version && data.version !== undefined) version.value = data.version;
      }
    }, 800);
  });
}
