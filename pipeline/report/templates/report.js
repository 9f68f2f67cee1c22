// Working tables for the report: sort, filter, search and page through the rows that are already
// in the page. Progressive enhancement: without this script every row is shown and every link
// works; with it, the controls are added here (so they never show when they cannot work).
// Inline and allowed by its hash in the page's Content-Security-Policy; it reads nothing from
// the network and writes scraped text only through textContent, never as HTML.
(function () {
  "use strict";
  // A phone shows fewer rows per page: a stacked row is several lines tall.
  var NARROW = window.matchMedia("(max-width: 600px)").matches;
  var PAGE = NARROW ? 10 : 50;

  // What a filter matches and a reader sees; sorting may use a cell's data-sort key instead
  // (severity sorts critical, warning, note rather than alphabetically).
  function cellText(row, index) {
    var cell = row.cells[index];
    return cell ? cell.textContent.trim() : "";
  }

  function sortKey(row, index) {
    var cell = row.cells[index];
    return cell ? (cell.getAttribute("data-sort") || cell.textContent).trim() : "";
  }

  function number(text) {
    var n = parseFloat(text.replace(/[,%+]/g, "").replace("\u2212", "-"));
    return isNaN(n) ? null : n;
  }

  function make(tag, attrs, text) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    if (text) el.textContent = text;
    return el;
  }

  function Table(table) {
    var self = this;
    this.table = table;
    this.body = table.tBodies[0];
    this.rows = Array.prototype.slice.call(this.body.rows);
    this.page = 0;
    this.filters = {};
    this.query = "";
    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
    this.columns = {};
    var controls = make("div", { "class": "controls" });
    var search = make("input", { type: "search", placeholder: "Search these rows",
      "aria-label": "Search the rows of: " + (table.caption ? table.caption.textContent : "table") });
    search.addEventListener("input", function () { self.query = search.value.toLowerCase(); self.page = 0; self.draw(); });
    controls.appendChild(search);
    // Headers are hidden on a phone (rows stack), so sorting is also offered as a menu.
    var sorter = make("select", { "aria-label": "Sort the rows", "class": "sorter" });
    sorter.appendChild(make("option", { value: "" }, "Sort by\u2026"));
    sorter.addEventListener("change", function () {
      if (!sorter.value) return;
      var parts = sorter.value.split(":");
      self.sort(+parts[0], heads[+parts[0]], parts[1] === "a");
    });
    heads.forEach(function (th, index) {
      var key = th.getAttribute("data-key");
      if (key) self.columns[key] = index;
      if (th.hasAttribute("data-filter")) {
        var values = {};
        self.rows.forEach(function (r) { var v = cellText(r, index); if (v) values[v] = true; });
        var select = make("select", { "aria-label": "Filter by " + th.textContent.trim(), "data-key": key });
        select.appendChild(make("option", { value: "" }, "All: " + th.textContent.trim()));
        Object.keys(values).sort().forEach(function (v) { select.appendChild(make("option", { value: v }, v)); });
        select.addEventListener("change", function () { self.filters[index] = select.value; self.page = 0; self.draw(); });
        controls.appendChild(select);
      }
      if (th.hasAttribute("data-nosort")) return;
      var name = th.textContent.trim();
      sorter.appendChild(make("option", { value: index + ":a" }, name + ", lowest first"));
      sorter.appendChild(make("option", { value: index + ":d" }, name + ", highest first"));
      var button = make("button", { type: "button", "class": "sort" }, name);
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        self.sort(index, th, th.getAttribute("aria-sort") !== "ascending");
      });
    });
    controls.appendChild(sorter);
    this.status = make("p", { "class": "status", "aria-live": "polite" });
    this.pager = make("div", { "class": "pager" });
    this.prev = make("button", { type: "button" }, "Previous");
    this.next = make("button", { type: "button" }, "Next");
    this.prev.addEventListener("click", function () { self.page -= 1; self.draw(); });
    this.next.addEventListener("click", function () { self.page += 1; self.draw(); });
    this.pager.appendChild(this.prev);
    this.pager.appendChild(this.next);
    var wrap = table.closest(".table-wrap") || table;
    wrap.parentNode.insertBefore(controls, wrap);
    wrap.parentNode.insertBefore(this.status, wrap.nextSibling);
    this.status.parentNode.insertBefore(this.pager, this.status.nextSibling);
    this.controls = controls;
    this.draw();
  }

  Table.prototype.sort = function (index, th, ascending) {
    Array.prototype.forEach.call(th.parentNode.cells, function (c) { c.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    this.rows.sort(function (a, b) {
      var x = sortKey(a, index), y = sortKey(b, index), nx = number(x), ny = number(y);
      var order = nx !== null && ny !== null ? nx - ny : x.localeCompare(y);
      return ascending ? order : -order;
    });
    var body = this.body;
    this.rows.forEach(function (r) { body.appendChild(r); });
    this.page = 0;
    this.draw();
  };

  Table.prototype.setFilter = function (key, value) {
    var index = this.columns[key];
    if (index === undefined) return;
    this.filters[index] = value;
    var select = this.controls.querySelector('select[data-key="' + key + '"]');
    if (select) select.value = value;
    this.page = 0;
    this.draw();
  };

  Table.prototype.draw = function () {
    var self = this;
    var shown = this.rows.filter(function (r) {
      for (var index in self.filters) {
        if (self.filters[index] && cellText(r, +index) !== self.filters[index]) return false;
      }
      return !self.query || r.textContent.toLowerCase().indexOf(self.query) >= 0;
    });
    var pages = Math.max(1, Math.ceil(shown.length / PAGE));
    this.page = Math.max(0, Math.min(this.page, pages - 1));
    var first = this.page * PAGE, last = Math.min(shown.length, first + PAGE);
    this.rows.forEach(function (r) { r.hidden = true; });
    shown.slice(first, last).forEach(function (r) { r.hidden = false; });
    var total = this.table.getAttribute("data-total");
    var text = shown.length ? "Showing rows " + (first + 1) + "\u2013" + last + " of " + shown.length : "No row matches";
    if (shown.length !== this.rows.length) text += " (filtered from " + this.rows.length + ")";
    if (total && +total > this.rows.length) text += "; this page holds " + this.rows.length + " of " + total + ", every row is in the CSV file";
    this.status.textContent = text + ".";
    this.prev.disabled = this.page === 0;
    this.next.disabled = this.page >= pages - 1;
    this.pager.hidden = pages < 2;
  };

  var tables = {};
  Array.prototype.forEach.call(document.querySelectorAll("table[data-table]"), function (t) {
    tables[t.id] = new Table(t);
  });

  // A count links to the rows behind it: data-table-target names the table, data-filter-<key>
  // the filter to set (e.g. data-filter-kind="Keyword stuffing").
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-table-target]") : null;
    if (!link) return;
    var table = tables[link.getAttribute("data-table-target")];
    if (!table) return;
    Object.keys(table.columns).forEach(function (key) { table.filters[table.columns[key]] = ""; });
    Array.prototype.forEach.call(table.controls.querySelectorAll("select"), function (s) { s.value = ""; });
    Array.prototype.forEach.call(link.attributes, function (a) {
      if (a.name.indexOf("data-filter-") === 0) table.setFilter(a.name.slice(12), a.value);
    });
    table.draw();
  });

  // A link to a post's row shows the row even when it is on another page or filtered out.
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target) return;
    var row = target.closest("tr");
    var table = row && row.closest("table[data-table]");
    if (table && tables[table.id] && row.hidden) {
      var t = tables[table.id];
      t.filters = {};
      t.query = "";
      Array.prototype.forEach.call(t.controls.querySelectorAll("select, input"), function (c) { c.value = ""; });
      t.page = Math.floor(t.rows.indexOf(row) / PAGE);
      t.draw();
      row.scrollIntoView();
    }
    var details = target.closest("details");
    if (details) details.open = true;
    if (target.hidden) {  // a card kept back for "Show more" on a phone
      target.hidden = false;
      target.scrollIntoView();
    }
  }
  window.addEventListener("hashchange", reveal);

  // On a phone, long lists of cards show their first few with a button for the rest, and the
  // side-by-side comparisons of duplicates start closed (each is a screen or two tall there).
  if (NARROW) {
    Array.prototype.forEach.call(document.querySelectorAll("[data-more]"), function (list) {
      var keep = +list.getAttribute("data-more");
      var extra = Array.prototype.filter.call(list.children, function (c) {
        return c.tagName === "ARTICLE" || c.tagName === "DETAILS";
      }).slice(keep);
      if (!extra.length) return;
      extra.forEach(function (c) { c.hidden = true; });
      var more = make("button", { type: "button", "class": "show-more" }, "Show " + extra.length + " more");
      more.addEventListener("click", function () {
        extra.forEach(function (c) { c.hidden = false; });
        more.remove();
      });
      list.appendChild(more);
    });
    Array.prototype.forEach.call(document.querySelectorAll("details.diff-box"), function (d) { d.open = false; });
  }

  reveal();  // after the phone layout above, so a link into a hidden card still shows it

  // Printing shows every finding: the post cards open (the print stylesheet shows every row).
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) { d.open = true; });
    Array.prototype.forEach.call(document.querySelectorAll("[data-more] > [hidden]"), function (a) { a.hidden = false; });
  });
})();
