// Custodia console: the only script. It keeps half-filled forms (those
// marked data-draft) across an expired session or a stale form: fields
// are saved in sessionStorage (this tab only, gone when it closes) as they
// are typed, and restored when the form shows again. A form the server
// accepted is named in <body data-saved>, and its draft is dropped.
// Passwords, codes, files and hidden fields are never saved. Drafts are
// kept under the signed-in person's <body data-draft-scope> (a keyed hash
// of their id): a page of another person drops them, and signing out
// drops them all. It also counts deadline clocks down
// (<time data-countdown>) and copies drafts.
(function () {
  'use strict';
  var body = document.body;
  var saved = body.getAttribute('data-saved');
  var scope = body.getAttribute('data-draft-scope');
  var prefix = 'draft:' + scope + ':';

  // dropDrafts removes the drafts whose key does not start with keep
  // (all of them when keep is empty).
  function dropDrafts(keep) {
    try {
      for (var i = sessionStorage.length - 1; i >= 0; i--) {
        var k = sessionStorage.key(i);
        if (k && k.indexOf('draft:') === 0 && (!keep || k.indexOf(keep) !== 0)) { sessionStorage.removeItem(k); }
      }
    } catch (e) { /* storage disabled: drafts are a convenience */ }
  }
  if (scope) {
    dropDrafts(prefix); // another person's drafts, from before they signed out or their session ended
    try {
      if (saved) { sessionStorage.removeItem(prefix + saved); }
    } catch (e) { /* storage disabled */ }
  }
  Array.prototype.forEach.call(document.querySelectorAll('form[action="/console/sign-out"]'), function (form) {
    form.addEventListener('submit', function () { dropDrafts(''); });
  });

  function keep(el) {
    return el.name && el.type !== 'password' && el.type !== 'hidden' && el.type !== 'file' &&
      el.type !== 'submit' && !el.hasAttribute('data-nodraft');
  }
  // Without a signed-in person there is no one to keep a draft for.
  Array.prototype.forEach.call(scope ? document.querySelectorAll('form[data-draft]') : [], function (form) {
    var key = prefix + form.getAttribute('data-draft');
    try {
      var draft = JSON.parse(sessionStorage.getItem(key) || '{}');
      Array.prototype.forEach.call(form.elements, function (el) {
        if (keep(el) && Object.prototype.hasOwnProperty.call(draft, el.name)) {
          var v = draft[el.name];
          if (el.type === 'checkbox') {
            // A group of boxes of one name keeps every ticked value.
            el.checked = Array.isArray(v) ? v.indexOf(el.value) >= 0 : v === el.value;
          } else if (el.type === 'radio') { el.checked = v === el.value; } else { el.value = v; }
        }
      });
    } catch (e) { /* a bad draft is dropped */ }
    form.addEventListener('input', function () {
      var draft = {};
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!keep(el)) { return; }
        if (el.type === 'checkbox') {
          if (!Array.isArray(draft[el.name])) { draft[el.name] = []; }
          if (el.checked) { draft[el.name].push(el.value); }
          return;
        }
        if (el.type === 'radio' && !el.checked) { return; }
        draft[el.name] = el.value;
      });
      try { sessionStorage.setItem(key, JSON.stringify(draft)); } catch (e) { /* full or disabled */ }
    });
  });

  // Copy buttons (hidden without this script): copy a read-only text,
  // such as a notification draft, to the clipboard.
  Array.prototype.forEach.call(document.querySelectorAll('button[data-copy]'), function (btn) {
    var src = document.getElementById(btn.getAttribute('data-copy'));
    if (!src) { return; }
    btn.hidden = false;
    btn.addEventListener('click', function () {
      var done = function () { btn.textContent = btn.getAttribute('data-copied'); };
      src.focus();
      src.select(); // selected either way: Ctrl+C works if copying is refused
      var ok = false;
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      if (ok) { done(); } else if (navigator.clipboard) { navigator.clipboard.writeText(src.value).then(done, function () {}); }
    });
  });

  var units = { d: body.getAttribute('data-unit-day'), h: body.getAttribute('data-unit-hour'), m: body.getAttribute('data-unit-min') };
  function tick() {
    var now = Date.now();
    Array.prototype.forEach.call(document.querySelectorAll('time[data-countdown]'), function (el) {
      var due = Date.parse(el.getAttribute('datetime'));
      if (isNaN(due)) { return; }
      var ms = due - now, over = ms < 0;
      ms = Math.abs(ms);
      var d = Math.floor(ms / 86400000), h = Math.floor(ms % 86400000 / 3600000), m = Math.floor(ms % 3600000 / 60000);
      var text = (d ? d + ' ' + units.d + ' ' : '') + h + ' ' + units.h + ' ' + m + ' ' + units.m;
      el.textContent = over ? body.getAttribute('data-over') + ' ' + text : text + ' ' + body.getAttribute('data-left');
      el.classList.toggle('overdue', over);
    });
  }
  tick();
  setInterval(tick, 30000);
}());
