/* ttt-check pages: filters, sorting and folding. Progressive: without this
   script every finding is shown unfolded and the filter form stays hidden.
   The state lives in the URL fragment (#severity=high,critical&service=…)
   so that a filtered view can be bookmarked or sent; a fragment without
   "=" is an ordinary anchor. Nothing is fetched, nothing is stored. */
(function () {
  'use strict';
  var d = document;
  var tools = d.getElementById('tools');
  if (!tools || !window.URLSearchParams) {
    return;
  }
  var page = d.body.getAttribute('data-page');
  var list = function (sel, root) { return Array.prototype.slice.call((root || d).querySelectorAll(sel)); };
  var items = list('[data-item]');
  var groups = list('[data-group]');
  var homes = items.map(function (el) { return el.parentNode; });
  var texts = items.map(function (el) { return el.textContent.toLowerCase(); });
  var flat = d.getElementById('flat');
  var grouped = d.getElementById('groups');
  var shown = d.getElementById('shown');
  var noun = page === 'fleet' ? 'hosts' : 'findings';
  var boxes = list('input[type=checkbox]', tools);
  var boxNames = [];
  boxes.forEach(function (b) { if (boxNames.indexOf(b.name) < 0) { boxNames.push(b.name); } });
  var selects = list('select', tools).filter(function (s) { return s.name !== 'sort'; });
  var search = tools.querySelector('input[type=search]');
  var sortSelect = tools.querySelector('select[name=sort]');
  var heads = list('th[data-key]');
  var sortKey = '';
  var sortDesc = false;

  function checked(name) {
    return boxes.filter(function (b) { return b.name === name && b.checked; }).map(function (b) { return b.value; });
  }

  function apply(write) {
    var terms = search && search.value ? search.value.toLowerCase().split(/\s+/).filter(Boolean) : [];
    var sets = {};
    boxNames.forEach(function (n) { sets[n] = checked(n); });
    var visible = 0;
    items.forEach(function (el, i) {
      var ok = boxNames.every(function (n) { return sets[n].indexOf(el.getAttribute('data-' + n)) >= 0; }) &&
        selects.every(function (s) { return !s.value || el.getAttribute('data-' + s.name) === s.value; }) &&
        terms.every(function (t) { return texts[i].indexOf(t) >= 0; });
      el.hidden = !ok;
      if (ok) {
        visible++;
      }
    });
    groups.forEach(function (g) {
      var inside = list('[data-item]', g);
      var vis = inside.filter(function (el) { return !el.hidden; }).length;
      g.hidden = inside.length > 0 && vis === 0;
      var count = g.querySelector(':scope > summary [data-count]');
      if (count) {
        var total = count.getAttribute('data-count');
        count.textContent = String(vis) === total ? total : vis + ' of ' + total;
      }
    });
    if (shown) {
      shown.textContent = visible === items.length ? 'all ' + items.length + ' ' + noun : visible + ' of ' + items.length + ' ' + noun;
    }
    d.body.setAttribute('data-shown', String(visible));
    if (write) {
      writeHash();
    }
  }

  function order(el) { return +el.getAttribute('data-order'); }

  function sortFindings(key) {
    if (!flat || !grouped) {
      return;
    }
    if (!key) {
      items.forEach(function (el, i) { homes[i].appendChild(el); });
      flat.hidden = true;
      grouped.hidden = false;
      return;
    }
    var status = { 'fail': 0, 'waived': 1, 'not-running': 2 };
    var by = function (a, b) {
      var x = a.getAttribute('data-' + key) || '', y = b.getAttribute('data-' + key) || '';
      if (key === 'status') {
        return (status[x] || 0) - (status[y] || 0);
      }
      return x < y ? -1 : x > y ? 1 : 0;
    };
    var sorted = items.slice().sort(function (a, b) {
      var c = key === 'severity' ? 0 : by(a, b);
      return c || (+b.getAttribute('data-rank') - +a.getAttribute('data-rank')) || order(a) - order(b);
    });
    sorted.forEach(function (el) { flat.appendChild(el); });
    flat.hidden = false;
    grouped.hidden = true;
  }

  function cellValue(row, idx) {
    var cell = row.cells[idx];
    if (!cell) {
      return '';
    }
    var v = cell.getAttribute('data-v');
    return v === null ? cell.textContent.trim().toLowerCase() : v;
  }

  function sortRows(key, desc) {
    var th = heads.filter(function (h) { return h.getAttribute('data-key') === key; })[0];
    heads.forEach(function (h) { h.removeAttribute('aria-sort'); });
    var rows = items.slice();
    if (th) {
      var idx = th.cellIndex;
      var num = th.getAttribute('data-type') === 'num';
      th.setAttribute('aria-sort', desc ? 'descending' : 'ascending');
      rows.sort(function (a, b) {
        var x = cellValue(a, idx), y = cellValue(b, idx);
        var c = num ? (+x) - (+y) : (x < y ? -1 : x > y ? 1 : 0);
        return (desc ? -c : c) || order(a) - order(b);
      });
    } else {
      rows.sort(function (a, b) { return order(a) - order(b); });
    }
    rows.forEach(function (r) { r.parentNode.appendChild(r); });
  }

  function writeHash() {
    var p = new URLSearchParams();
    boxNames.forEach(function (n) {
      var on = checked(n);
      if (on.length !== boxes.filter(function (b) { return b.name === n; }).length) {
        p.set(n, on.join(',') || 'none');
      }
    });
    selects.forEach(function (s) { if (s.value) { p.set(s.name, s.value); } });
    if (search && search.value) {
      p.set('q', search.value);
    }
    if (sortSelect && sortSelect.value) {
      p.set('sort', sortSelect.value);
    }
    if (page === 'fleet' && sortKey) {
      p.set('sort', sortKey + (sortDesc ? ':desc' : ''));
    }
    var s = p.toString().replace(/%2C/g, ',');
    try {
      history.replaceState(null, '', s ? '#' + s : location.pathname + location.search);
    } catch (e) { /* a file: URL some browsers refuse to rewrite */ }
  }

  function readHash() {
    var h = location.hash.slice(1);
    if (h.indexOf('=') < 0) {
      return false;
    }
    var p = new URLSearchParams(h);
    boxNames.forEach(function (n) {
      var want = p.has(n) ? p.get(n).toLowerCase().split(',') : null;
      boxes.forEach(function (b) {
        if (b.name === n) {
          b.checked = !want || want.indexOf(b.value.toLowerCase()) >= 0;
        }
      });
    });
    selects.forEach(function (s) {
      var v = p.get(s.name) || '';
      s.value = list('option', s).some(function (o) { return o.value === v; }) ? v : '';
    });
    if (search) {
      search.value = p.get('q') || '';
    }
    var sort = p.get('sort') || '';
    if (sortSelect) {
      sortSelect.value = list('option', sortSelect).some(function (o) { return o.value === sort; }) ? sort : '';
      sortFindings(sortSelect.value);
    }
    if (page === 'fleet') {
      var parts = sort.split(':');
      sortKey = heads.some(function (th) { return th.getAttribute('data-key') === parts[0]; }) ? parts[0] : '';
      sortDesc = parts[1] === 'desc';
      sortRows(sortKey, sortDesc);
    }
    return true;
  }

  // reveal opens the element a plain anchor names and every fold around it.
  function reveal() {
    var h = location.hash.slice(1);
    if (!h || h.indexOf('=') >= 0) {
      return;
    }
    var el = d.getElementById(decodeURIComponent(h));
    for (var e = el; e; e = e.parentElement) {
      if (e.tagName === 'DETAILS') {
        e.open = true;
      }
    }
    if (el) {
      el.scrollIntoView();
    }
  }

  function reset() {
    boxes.forEach(function (b) { b.checked = true; });
    selects.forEach(function (s) { s.value = ''; });
    if (search) {
      search.value = '';
    }
    if (sortSelect) {
      sortSelect.value = '';
      sortFindings('');
    }
    if (page === 'fleet') {
      sortKey = '';
      sortRows('', false);
    }
    apply(true);
  }

  tools.addEventListener('submit', function (e) { e.preventDefault(); });
  tools.addEventListener('change', function (e) {
    if (e.target === sortSelect) {
      sortFindings(sortSelect.value);
    }
    apply(true);
  });
  if (search) {
    search.addEventListener('input', function () { apply(true); });
  }
  tools.addEventListener('click', function (e) {
    var act = e.target.getAttribute && e.target.getAttribute('data-act');
    if (act === 'expand' || act === 'collapse') {
      list('.js-collapse').forEach(function (el) { el.open = act === 'expand'; });
    } else if (act === 'reset') {
      reset();
    }
  });
  heads.forEach(function (th) {
    var b = th.querySelector('button');
    if (!b) {
      return;
    }
    b.addEventListener('click', function () {
      var key = th.getAttribute('data-key');
      sortDesc = key === sortKey ? !sortDesc : th.getAttribute('data-type') === 'num';
      sortKey = key;
      sortRows(sortKey, sortDesc);
      writeHash();
    });
  });
  window.addEventListener('hashchange', function () {
    if (readHash()) {
      apply(false);
    } else {
      reveal();
    }
  });
  window.addEventListener('beforeprint', function () {
    list('details').forEach(function (el) { el.open = true; });
  });

  // Fold the long parts so that the page opens as an overview (a few
  // findings stay open); the markup has them open for readers without
  // script.
  list('.js-collapse').forEach(function (el) {
    if (items.length > 8 || !el.hasAttribute('data-item')) {
      el.open = false;
    }
  });
  var note = d.getElementById('nojs');
  if (note) {
    note.hidden = true;
  }
  // On a narrow screen the filters fold under "Filter and sort".
  var toolbox = d.getElementById('toolbox');
  if (toolbox && window.matchMedia) {
    var narrow = window.matchMedia('(max-width: 760px)');
    var fit = function () { toolbox.open = !narrow.matches; };
    fit();
    if (narrow.addEventListener) {
      narrow.addEventListener('change', fit);
    }
  }
  tools.hidden = false;
  readHash();
  apply(false);
  reveal();
}());
