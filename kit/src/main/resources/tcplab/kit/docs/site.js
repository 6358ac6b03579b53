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
    button.textContent = ok ? 'Copied' : 'Select and copy by hand';
    button.setAttribute('data-copied', ok ? 'yes' : 'no');
    setTimeout(function () { button.textContent = 'Copy'; }, 2000);
  }

  document.querySelectorAll('.listingblock, .literalblock').forEach(function (block) {
    var pre = block.querySelector('pre');
    var head = block.querySelector('.code-head');
    if (!pre || !head) { return; }
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'copy-code';
    button.textContent = 'Copy';
    button.setAttribute('aria-label', 'Copy this code');
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
