// The review page's progress: polls the status endpoint, moves the bar, and reloads the page
// once the analysis has finished so the result (or the error) appears. Without script, the
// page's refresh link does the same.
(function () {
  "use strict";
  const box = document.querySelector("[data-review-status]");
  if (!box) return;
  const url = box.dataset.reviewStatus;
  const bar = box.querySelector("progress");
  const text = box.querySelector("[data-review-text]");
  const percent = box.querySelector("[data-review-percent]");
  const EVERY_MS = 2000;
  let status = box.dataset.status;

  function show(state) {
    if (state.status === "running" && state.progress !== null) {
      bar.value = state.progress;
      bar.textContent = state.progress + " %";
      percent.textContent = state.progress + " %";
    } else if (state.status === "running") {
      bar.removeAttribute("value"); // indeterminate: the video did not say how long it is
      percent.textContent = "";
    }
    if (state.status !== status) {
      status = state.status;
      text.textContent = state.text; // the live region announces changes of status only
    }
  }

  async function poll() {
    try {
      const response = await fetch(url, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        cache: "no-store",
      });
      if (response.ok) {
        const state = await response.json();
        if (state.finished) {
          window.location.assign(state.url);
          return;
        }
        show(state);
      }
    } catch (error) {
      // A dropped connection: the next poll tries again.
    }
    window.setTimeout(poll, EVERY_MS);
  }

  window.setTimeout(poll, EVERY_MS);
})();
