// Polls a CSV import's progress and reloads the page when the import has finished.
// Used by every feature's import page; without JavaScript the page offers a refresh link instead.
const box = document.querySelector("[data-import-progress]");
if (box) {
  const text = box.querySelector("[data-import-progress-text]");
  const poll = async () => {
    try {
      const response = await fetch(box.dataset.importProgress, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const data = await response.json();
        if (data.finished) {
          window.location.reload();
          return;
        }
        const processed = data.processed_rows.toLocaleString("en-GB");
        const total = data.total_rows.toLocaleString("en-GB");
        text.textContent = `${data.status_label}: ${processed} of ${total} rows checked (${data.percent}%).`;
      }
    } catch (error) {
      // A dropped request is retried on the next tick.
    }
    window.setTimeout(poll, 2000);
  };
  window.setTimeout(poll, 1500);
}
