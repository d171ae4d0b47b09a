// sohoa web: search as you type, drag-and-drop uploads with live progress. Plain JS, no build step.
"use strict";

function debounce(fn, ms) {
  let timer = null;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

function setupSearch() {
  const form = document.getElementById("search-form");
  const box = document.getElementById("q");
  const results = document.getElementById("results");
  if (!form || !box || !results) return;
  let latest = 0;
  const run = debounce(async () => {
    const params = new URLSearchParams(new FormData(form));
    params.delete("page");
    const ticket = ++latest;
    const response = await fetch(results.dataset.endpoint + "?" + params.toString(), { headers: { Accept: "text/html" } });
    if (response.status === 401) { window.location = "/login"; return; }
    // Only the answer to the newest keystroke may replace the results; slower older ones are dropped.
    if (ticket !== latest || !response.ok) return;
    results.innerHTML = await response.text();
    history.replaceState(null, "", "/search?" + params.toString());
  }, 250);
  box.addEventListener("input", run);
  const filters = form.querySelector(".doc-filters");
  if (filters) filters.addEventListener("change", run);  // a role, type, ID, agency or date chosen
}

async function walkEntry(entry, path, out) {
  if (entry.isFile) {
    const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
    out.push([file, path + file.name]);
  } else if (entry.isDirectory) {
    const reader = entry.createReader();
    let batch;
    do {
      batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
      for (const child of batch) await walkEntry(child, path + entry.name + "/", out);
    } while (batch.length);
  }
}

function setupUpload() {
  const form = document.getElementById("upload-form");
  if (!form) return;
  const zone = document.getElementById("dropzone");
  const chosen = document.getElementById("chosen");
  let dropped = [];
  const show = () => {
    const picked = [...form.querySelectorAll("input[name=files]")].reduce((n, input) => n + input.files.length, 0);
    const count = dropped.length + picked;
    chosen.textContent = count ? count + " ✓" : chosen.dataset.empty;
  };
  form.querySelectorAll("input[type=file]").forEach((input) => input.addEventListener("change", show));
  ["dragenter", "dragover"].forEach((t) => zone.addEventListener(t, (e) => { e.preventDefault(); zone.classList.add("over"); }));
  ["dragleave", "drop"].forEach((t) => zone.addEventListener(t, (e) => { e.preventDefault(); zone.classList.remove("over"); }));
  zone.addEventListener("drop", async (e) => {
    const entries = [...e.dataTransfer.items].map((item) => item.webkitGetAsEntry && item.webkitGetAsEntry()).filter(Boolean);
    const out = [];
    if (entries.length) { for (const entry of entries) await walkEntry(entry, "", out); }
    else { for (const file of e.dataTransfer.files) out.push([file, file.name]); }
    dropped = dropped.concat(out);
    show();
  });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = new FormData();
    data.append("csrf_token", form.elements.csrf_token.value);
    if (form.elements.unit) data.append("unit", form.elements.unit.value);
    for (const [file, path] of dropped) data.append("files", file, path);
    for (const input of form.querySelectorAll("input[name=files]")) {
      for (const file of input.files) data.append("files", file, file.webkitRelativePath || file.name);
    }
    const manifest = form.querySelector("input[name=manifest]");
    if (manifest && manifest.files.length) data.append("manifest", manifest.files[0]);
    // The token also goes in a header: the server checks it before it reads (and spools) the body.
    const response = await fetch("/upload", { method: "POST", body: data,
      headers: { Accept: "application/json", "X-CSRF-Token": form.elements.csrf_token.value } });
    if (!response.ok) { chosen.textContent = chosen.dataset.empty; return; }
    const body = await response.json();
    dropped = [];
    form.reset();
    show();
    addBatch(body.batch_id);
  });
  document.querySelectorAll(".batch").forEach((el) => {
    if (el.dataset.status === "queued" || el.dataset.status === "running") poll(el);
  });
}

function labels() {
  const holder = document.getElementById("batches");
  return JSON.parse(holder.dataset.labels || "{}");
}

function addBatch(id) {
  const holder = document.getElementById("batches");
  const el = document.createElement("div");
  el.className = "batch";
  el.dataset.batch = id;
  el.innerHTML = '<strong></strong> · <span class="files"></span> · <span class="status"></span> ' +
    '<progress max="1" value="0"></progress> <span class="pages"></span><ul class="errors"></ul>';
  el.querySelector("strong").textContent = id;
  holder.prepend(el);
  poll(el);
}

async function poll(el) {
  const text = labels();
  const response = await fetch("/upload/" + encodeURIComponent(el.dataset.batch) + "/progress");
  if (!response.ok) return;
  const b = await response.json();
  el.dataset.status = b.status;
  el.querySelector(".status").textContent = text[b.status] || b.status;
  const files = el.querySelector(".files");
  if (files) files.textContent = (text.files || "{count}").replace("{count}", b.file_count);
  const bar = el.querySelector("progress");
  bar.max = Math.max(1, b.pages_planned);
  bar.value = b.pages_done;
  el.querySelector(".pages").textContent = (text.pages || "{done}/{planned}").replace("{done}", b.pages_done).replace("{planned}", b.pages_planned);
  const errors = el.querySelector(".errors");
  errors.replaceChildren(...b.errors.map((err) => {
    const li = document.createElement("li");
    const name = document.createElement("b");
    name.textContent = err.name;
    li.append(name, ": " + err.reason);
    return li;
  }));
  if (b.message) { const li = document.createElement("li"); li.textContent = b.message; errors.append(li); }
  if (b.status === "queued" || b.status === "running") setTimeout(() => poll(el), 1000);
}

document.addEventListener("DOMContentLoaded", () => { setupSearch(); setupUpload(); });
