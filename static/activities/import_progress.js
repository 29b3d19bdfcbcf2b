// Polls an import's progress and reloads the page when the import has finished.
// Without JavaScript the page offers a "Refresh to see progress" link instead.
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
        text.textContent = `${data.status_label}: ${data.processed_rows.toLocaleString("en-GB")} of ${data.total_rows.toLocaleString("en-GB")} rows checked.`;
      }
    } catch (error) {
      // A dropped request is retried on the next tick.
    }
    setTimeout(poll, 2000);
  };
  setTimeout(poll, 1500);
}
