// wiretrace web: small progressive enhancements. Only textContent is ever written.
"use strict";

function setUpFamilyList() {
  const table = document.getElementById("families");
  const filter = document.getElementById("family-filter");
  const sort = document.getElementById("family-sort");
  if (!table || !filter || !sort) return;
  const body = table.tBodies[0];
  filter.addEventListener("input", () => {
    const words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    for (const row of body.rows) {
      const text = row.dataset.search || "";
      row.classList.toggle("filtered-out", !words.every((w) => text.includes(w)));
    }
  });
  const orders = {
    size: (a, b) => Number(b.dataset.size) - Number(a.dataset.size),
    newest: (a, b) => (b.dataset.newest || "").localeCompare(a.dataset.newest || ""),
    outlet: (a, b) => (a.dataset.outlet || "\uffff").localeCompare(b.dataset.outlet || "\uffff"),
  };
  sort.addEventListener("change", () => {
    const order = orders[sort.value] || orders.size;
    const rows = Array.from(body.rows).sort(order);
    for (const row of rows) body.appendChild(row);
  });
}

function setUpHideIdentical() {
  const toggle = document.getElementById("toggle-identical");
  if (!toggle) return;
  const apply = () => document.body.classList.toggle("hide-identical", toggle.checked);
  toggle.addEventListener("change", apply);
  apply();
}

function setUpPassageDetail() {
  const table = document.getElementById("compare-table");
  const panel = document.getElementById("passage-detail");
  if (!table || !panel) return;
  const show = (row) => {
    for (const other of table.querySelectorAll("tr.selected")) other.classList.remove("selected");
    row.classList.add("selected");
    document.getElementById("detail-kind").textContent = row.dataset.status;
    document.getElementById("detail-source").textContent = row.cells[0].textContent.trim() || "(nothing)";
    document.getElementById("detail-derivative").textContent = row.cells[1].textContent.trim() || "(nothing)";
    const changes = document.getElementById("detail-changes");
    changes.replaceChildren();
    for (const change of row.cells[2].querySelectorAll(".change")) {
      const line = document.createElement("div");
      line.className = change.className;
      line.textContent = change.textContent;
      changes.appendChild(line);
    }
    panel.hidden = false;
  };
  for (const row of table.tBodies[0].rows) {
    row.addEventListener("click", () => show(row));
    row.addEventListener("keydown", (event) => { if (event.key === "Enter") show(row); });
  }
  document.getElementById("detail-close").addEventListener("click", () => {
    panel.hidden = true;
    for (const other of table.querySelectorAll("tr.selected")) other.classList.remove("selected");
  });
}

document.addEventListener("DOMContentLoaded", () => {
  setUpFamilyList();
  setUpHideIdentical();
  setUpPassageDetail();
});
