// oncoresist web UI: autocompletion from the knowledge, adding alterations, job progress. No dependencies.
"use strict";
(function () {
  function debounce(fn, ms) { let t; return function (...a) { clearTimeout(t); t = setTimeout(() => fn.apply(this, a), ms); }; }

  document.querySelectorAll("input[data-suggest]").forEach(function (input) {
    const list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    const kind = input.dataset.suggest;
    input.addEventListener("input", debounce(async function () {
      const parts = input.value.split(",");
      const q = parts[parts.length - 1].trim();
      if (!q) return;
      const r = await fetch("/api/v1/knowledge/suggest?kind=" + encodeURIComponent(kind) + "&q=" + encodeURIComponent(q));
      if (!r.ok) return;
      const items = await r.json();
      const prefix = parts.length > 1 ? parts.slice(0, -1).join(",") + ", " : "";
      list.replaceChildren(...items.map(function (s) {
        const o = document.createElement("option");
        o.value = prefix + s.value;
        o.label = s.label;
        return o;
      }));
    }, 150));
  });

  function append(entry) {
    const target = document.getElementById(entry.dataset.appendTo);
    const v = entry.value.trim();
    if (!target || !v) return;
    target.value = (target.value.trim() ? target.value.trim() + "\n" : "") + v;
    entry.value = "";
    entry.focus();
  }
  document.querySelectorAll("input[data-append-to]").forEach(function (entry) {
    entry.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); append(entry); } });
  });
  document.querySelectorAll("button[data-append-from]").forEach(function (b) {
    b.addEventListener("click", function () { append(document.getElementById(b.dataset.appendFrom)); });
  });

  const job = document.getElementById("job");
  if (job && (job.dataset.state === "queued" || job.dataset.state === "running")) {
    const bar = document.getElementById("job-progress");
    const pct = document.getElementById("job-percent");
    const stage = document.getElementById("job-stage");
    const state = document.getElementById("job-state");
    const poll = async function () {
      const r = await fetch("/api/v1/jobs/" + encodeURIComponent(job.dataset.jobId));
      if (!r.ok) { setTimeout(poll, 2000); return; }
      const s = await r.json();
      bar.value = s.progress; bar.textContent = pct.textContent = Math.round(100 * s.progress) + "%";
      stage.textContent = s.stage && s.stage !== s.state ? " · " + s.stage : ""; state.textContent = s.state;
      if (s.state === "queued" || s.state === "running") setTimeout(poll, 1000);
      else window.location.reload();
    };
    setTimeout(poll, 500);
  }
})();

// a link to a collapsed sample opens it
(function () {
  function openTarget() {
    const el = location.hash && document.getElementById(location.hash.slice(1));
    if (el && el.tagName === "DETAILS") { el.open = true; el.querySelector("summary").focus(); }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
})();
