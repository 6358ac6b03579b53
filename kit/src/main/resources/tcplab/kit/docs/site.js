// The page's words in its own language: <html lang="zh-CN"> for the 简体中文 pages, English otherwise.
var TCPLAB_WORDS = document.documentElement.lang === 'zh-CN' ? {
  copy: '复制', copied: '已复制', copyByHand: '请手动选中并复制', copyLabel: '复制这段代码',
  noSearch: '搜索不可用（本页旁边缺少 lunr.min.js 或 search.js）', none: '没有任何小节提到“{q}”。'
} : {
  copy: 'Copy', copied: 'Copied', copyByHand: 'Select and copy by hand', copyLabel: 'Copy this code',
  noSearch: 'Search is not available (lunr.min.js or search.js is missing beside this page)',
  none: 'No section mentions “{q}”.'
};

// The language switch keeps the section being read: both languages give every section the same id.
(function () {
  'use strict';
  var link = document.querySelector('a.language-switch');
  if (!link) { return; }
  link.addEventListener('click', function () {
    if (window.location.hash) { link.href = link.href.split('#')[0] + window.location.hash; }
  });
})();

// A "Copy" button on every code block. Inline and dependency-free, so it works offline and from file://.
(function () {
  'use strict';

  // execCommand is deprecated but still the only way where the Clipboard API is missing or refused.
  function copyWithSelection(text) {
    var area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }

  function report(button, ok) {
    button.textContent = ok ? TCPLAB_WORDS.copied : TCPLAB_WORDS.copyByHand;
    button.setAttribute('data-copied', ok ? 'yes' : 'no');
    setTimeout(function () { button.textContent = TCPLAB_WORDS.copy; }, 2000);
  }

  document.querySelectorAll('.listingblock, .literalblock').forEach(function (block) {
    var pre = block.querySelector('pre');
    var head = block.querySelector('.code-head');
    if (!pre || !head) { return; }
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'copy-code';
    button.textContent = TCPLAB_WORDS.copy;
    button.setAttribute('aria-label', TCPLAB_WORDS.copyLabel);
    button.addEventListener('click', function () {
      var text = pre.innerText.replace(/\n$/, '');
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(function () { report(button, true); },
            function () { report(button, copyWithSelection(text)); });
      } else {
        report(button, copyWithSelection(text));
      }
    });
    head.appendChild(button);
  });
})();

// The search box: lunr.js (lunr.min.js beside the pages) indexes the lessons' sections (search.js, written by the
// build) the first time the learner types, and the best matches are listed under the box. Offline, from file:// too.
(function () {
  'use strict';
  var box = document.querySelector('.site-search input');
  var list = document.querySelector('.site-search ol');
  if (!box || !list) { return; }
  if (typeof lunr === 'undefined' || !window.TCPLAB_SEARCH) {
    box.disabled = true;
    box.placeholder = TCPLAB_WORDS.noSearch;
    return;
  }
  var sections = window.TCPLAB_SEARCH;
  var index = null;

  function build() {
    return lunr(function () {
      this.ref('i');
      this.field('title', { boost: 10 });
      this.field('lesson', { boost: 2 });
      this.field('text');
      // Words like TIME_WAIT or SO_REUSEADDR are one term, as the learner types them.
      this.tokenizer.separator = /[\s\-.,;:!?()\[\]{}"'`]+/;
      this.metadataWhitelist = ['position'];
      for (var i = 0; i < sections.length; i++) {
        var s = sections[i];
        this.add({ i: i, title: s.title, lesson: s.lesson, text: s.text });
      }
    });
  }

  // The query's words as the index holds them: trimmed of punctuation as lunr's trimmer does, and without the
  // stop words ("the", "of"…) that the index left out, since a word the index never holds could never match.
  function terms(query) {
    return query.toLowerCase().split(/[\s\-.,;:!?()\[\]{}"'`]+/)
      .map(function (t) { return t.replace(/^\W+/, '').replace(/\W+$/, ''); })
      .filter(function (t) { return t.length > 0 && lunr.stopWordFilter(t) !== undefined; });
  }

  // A few words around the first place the section's text holds one of the terms.
  function excerpt(text, words) {
    var lower = text.toLowerCase(), at = -1;
    for (var i = 0; i < words.length && at < 0; i++) { at = lower.indexOf(words[i]); }
    var start = Math.max(0, at - 60);
    return (start > 0 ? '…' : '') + text.substr(start, 160) + (start + 160 < text.length ? '…' : '');
  }

  // Each page searches the lessons in its own language (both are in search.js).
  var chinesePage = document.documentElement.lang === 'zh-CN';
  function ours(r) { return (sections[Number(r.ref)].page.indexOf('.zh-CN.') > 0) === chinesePage; }

  // lunr cuts words at spaces, and Chinese has none: a query with Chinese in it is looked for as it is, in each
  // section's title and text, the sections that hold it most often first.
  var HAN = /[\u3400-\u9fff\uf900-\ufaff]/;
  function literal(query) {
    var q = query.trim().toLowerCase();
    return sections.map(function (s, i) {
      return { ref: String(i), n: (s.title + ' ' + s.text).toLowerCase().split(q).length - 1 };
    }).filter(function (r) { return r.n > 0; }).sort(function (a, b) { return b.n - a.n; });
  }

  function show(query) {
    list.textContent = '';
    if (query.trim().length === 0) { return; }
    if (HAN.test(query)) {
      render(query, [query.trim().toLowerCase()], literal(query).filter(ours));
      return;
    }
    var words = terms(query);
    index = index || build();
    // Every word must match. When nothing does, the last word may also be the start of a longer one: the learner
    // is still typing it.
    var results = words.length === 0 ? [] : index.query(function (q) {
      words.forEach(function (w) {
        q.term(w, { presence: lunr.Query.presence.REQUIRED, usePipeline: true });
      });
    });
    if (results.length === 0 && words.length > 0) {
      var last = words[words.length - 1];
      results = index.query(function (q) {
        words.forEach(function (w) {
          q.term(w, { presence: lunr.Query.presence.REQUIRED,
            wildcard: w === last ? lunr.Query.wildcard.TRAILING : lunr.Query.wildcard.NONE, usePipeline: false });
        });
      });
    }
    render(query, words, results.filter(ours));
  }

  function render(query, words, results) {
    if (results.length === 0) {
      var none = document.createElement('li');
      none.className = 'none';
      none.textContent = TCPLAB_WORDS.none.replace('{q}', query.trim());
      list.appendChild(none);
      return;
    }
    results.slice(0, 8).forEach(function (r) {
      var s = sections[Number(r.ref)];
      var item = document.createElement('li');
      var link = document.createElement('a');
      link.href = s.page + (s.anchor ? '#' + s.anchor : '');
      var title = document.createElement('span');
      title.className = 'title';
      title.textContent = s.title;
      var where = document.createElement('span');
      where.className = 'where';
      where.textContent = s.lesson;
      var text = document.createElement('span');
      text.className = 'excerpt';
      text.textContent = excerpt(s.text, words);
      link.appendChild(title);
      link.appendChild(where);
      link.appendChild(text);
      item.appendChild(link);
      list.appendChild(item);
    });
  }

  box.addEventListener('input', function () { show(box.value); });
  box.addEventListener('keydown', function (e) {
    if (e.key === 'Escape') { box.value = ''; show(''); }
    if (e.key === 'Enter') {
      var first = list.querySelector('a');
      if (first) { e.preventDefault(); window.location.href = first.href; }
    }
  });
  box.form.addEventListener('submit', function (e) { e.preventDefault(); });
  // page.html?q=words opens with those words searched: a link can point at a search.
  var asked = new URLSearchParams(window.location.search).get('q');
  if (asked) { box.value = asked; show(asked); }
})();
