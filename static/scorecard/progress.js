// Polls an import's progress and reloads the page once the import has finished.
const box = document.querySelector("[data-import-progress]");
if (box) {
  const text = document.getElementById("import-progress-text");
  const poll = async () => {
    try {
      const response = await fetch(box.dataset.url, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const progress = await response.json();
        if (progress.finished) {
          window.location.reload();
          return;
        }
        const total = progress.total ? progress.total.toLocaleString("en-GB") : "all";
        text.textContent = `${progress.label}: ${progress.processed.toLocaleString("en-GB")} of ${total} rows checked (${progress.percent}%).`;
      }
    } catch (error) {
      // A dropped request is retried on the next tick.
    }
    window.setTimeout(poll, 2000);
  };
  window.setTimeout(poll, 2000);
}
