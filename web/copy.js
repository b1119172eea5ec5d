// Copy button of the out-of-band code page (web/oob.html). The page works without it:
// the code stays visible and selectable; this only reveals and wires the "Copy" button.
(function () {
  'use strict';

  function init() {
    var code = document.getElementById('code');
    var button = document.getElementById('copy');
    if (!code || !button) return;
    var status = document.getElementById('copy-status');

    function report(message) {
      if (status) status.textContent = message;
    }

    function selectCode() {
      code.focus();
      code.select();
      try { code.setSelectionRange(0, code.value.length); } catch (e) { /* not all inputs support it */ }
    }

    function fallback() {
      selectCode();
      var ok = false;
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      report(ok ? 'Copied.' : 'Press Ctrl+C (or \u2318C) to copy the selected code.');
    }

    button.addEventListener('click', function () {
      var text = code.value;
      if (navigator.clipboard && typeof navigator.clipboard.writeText === 'function') {
        navigator.clipboard.writeText(text).then(function () {
          report('Copied.');
        }, fallback);
      } else {
        fallback();
      }
    });

    // One click on the code selects all of it, for manual copying.
    code.addEventListener('focus', function () { code.select(); });

    button.hidden = false;
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
