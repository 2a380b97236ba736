// kgbuild review: keyboard shortcuts, the add-a-claim selection and concept search.
// Never builds markup from data: text goes in with textContent only.
(function () {
  "use strict";
  var body = document.body;
  var help = document.getElementById("help");

  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }
  function toggleHelp() {
    if (!help) return;
    if (help.open) help.close(); else help.showModal();
  }
  document.querySelectorAll("[data-help]").forEach(function (b) { b.addEventListener("click", toggleHelp); });

  // -- the add-a-claim form: offsets of the text selected in the paragraph ------------------------
  var para = document.getElementById("para");
  var addStart = document.getElementById("add-start");
  var addEnd = document.getElementById("add-end");
  var addSpan = document.getElementById("add-span");
  var addBtn = document.getElementById("add-btn");

  function codePoints(s) { return Array.from(s).length; }   // the server counts code points, JS UTF-16 units

  // document offset of a DOM boundary point (container, offset) inside the paragraph
  function docOffset(node, offset) {
    if (node.nodeType === Node.TEXT_NODE) {
      var seg = node.parentElement.closest("[data-o]");
      return Number(seg.dataset.o) + codePoints(node.data.slice(0, offset));
    }
    if (node === para) {
      var child = para.childNodes[offset];
      return child && child.dataset ? Number(child.dataset.o) : Number(para.dataset.end);
    }
    var span = node.closest("[data-o]");
    return Number(span.dataset.o) + (offset === 0 ? 0 : codePoints(span.textContent));
  }

  function onSelection() {
    var sel = window.getSelection();
    if (!para || !sel || sel.rangeCount === 0 || sel.isCollapsed) return;
    var r = sel.getRangeAt(0);
    if (!para.contains(r.startContainer) || !para.contains(r.endContainer)) return;
    var start = docOffset(r.startContainer, r.startOffset);
    var end = docOffset(r.endContainer, r.endOffset);
    if (!(end > start)) return;
    addStart.value = start;
    addEnd.value = end;
    addSpan.textContent = "“" + sel.toString() + "”";
    addSpan.classList.add("filled");
    addBtn.disabled = false;
  }
  if (para && addStart) {
    document.addEventListener("selectionchange", onSelection);
  }

  // -- concept search: /api/concepts?q= ------------------------------------------------------------
  function attachSearch(input) {
    var field = input.closest(".concept-field");
    var list = field.querySelector(".results");
    var chosen = field.querySelector(".chosen");
    var timer = null, asked = "";
    function choose(c) {
      input.value = c.id;
      chosen.textContent = "✓ " + c.label + " · " + c.type + (c.in_store ? "" : " (new to the store)");
      list.hidden = true;
      list.replaceChildren();
    }
    function show(concepts) {
      list.replaceChildren();
      concepts.forEach(function (c) {
        var li = document.createElement("li");
        var b = document.createElement("button");
        b.type = "button";
        var label = document.createElement("span");
        label.textContent = c.label + " ";
        var curie = document.createElement("span");
        curie.className = "curie";
        curie.textContent = c.id + " · " + c.type;
        b.append(label, curie);
        if (!c.in_store) {
          var mark = document.createElement("span");
          mark.className = "new";
          mark.textContent = " vocabulary";
          b.append(mark);
        }
        b.addEventListener("click", function () { choose(c); input.focus(); });
        li.append(b);
        list.append(li);
      });
      list.hidden = concepts.length === 0;
    }
    input.addEventListener("input", function () {
      chosen.textContent = "";
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { show([]); return; }
      timer = setTimeout(function () {
        asked = q;
        fetch("/api/concepts?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { concepts: [] }; })
          .then(function (data) { if (asked === q && input.value.trim() === q) show(data.concepts); })
          .catch(function () { show([]); });
      }, 200);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" && !list.hidden) {
        e.preventDefault();
        list.querySelector("button").focus();
      }
    });
    list.addEventListener("keydown", function (e) {
      var li = document.activeElement.closest("li");
      if (!li) return;
      if (e.key === "ArrowDown" && li.nextElementSibling) { e.preventDefault(); li.nextElementSibling.querySelector("button").focus(); }
      if (e.key === "ArrowUp") {
        e.preventDefault();
        if (li.previousElementSibling) li.previousElementSibling.querySelector("button").focus(); else input.focus();
      }
    });
  }
  document.querySelectorAll(".concept-input").forEach(attachSearch);

  // -- submit a textarea's form with Ctrl/Cmd+Enter ---------------------------------------------
  document.querySelectorAll("textarea").forEach(function (t) {
    t.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); t.form.requestSubmit(); }
    });
  });

  // -- keyboard shortcuts ------------------------------------------------------------------------
  var rows = Array.prototype.slice.call(document.querySelectorAll("#queue tbody tr"));
  var current = -1;
  function mark(i) {
    if (!rows.length) return;
    current = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach(function (r, k) { r.classList.toggle("current", k === current); });
    rows[current].querySelector("a.claim-link").focus();
  }
  function go(url) { if (url) window.location.href = url; }
  function focusField(id) {
    var el = document.getElementById(id);
    if (el) { el.scrollIntoView({ block: "center" }); el.focus(); }
  }

  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && typing(document.activeElement)) { document.activeElement.blur(); return; }
    if (e.ctrlKey || e.metaKey || e.altKey || typing(document.activeElement)) return;
    if (help && help.open && e.key !== "?") return;
    var page = body.dataset.page;
    var handled = true;
    switch (e.key) {
      case "?": toggleHelp(); break;
      case "u": go(body.dataset.queue || "/"); break;
      case "j": case "n":
        if (page === "queue") mark(current + 1); else go(body.dataset.next); break;
      case "k": case "p":
        if (page === "queue") mark(current - 1); else go(body.dataset.prev); break;
      case "/": if (page === "queue") focusField("filter-entity"); else handled = false; break;
      case "a": if (page === "claim") document.getElementById("accept-form").requestSubmit(); else handled = false; break;
      case "r": if (page === "claim") focusField("reject-reason"); else handled = false; break;
      case "e": if (page === "claim") focusField("edit-predicate"); else handled = false; break;
      case "c": if (page === "claim") focusField("add-subject"); else handled = false; break;
      default: handled = false;
    }
    if (handled) e.preventDefault();
  });
})();
