/* The organization picker (orgs.forms.OrgPickerWidget): an ARIA 1.2 combobox whose popup is a tree.
 *
 * Typing searches the user's scope by name, code or pinyin initials (htmx GET to the widget's data-url);
 * Down/Up move through the visible items (aria-activedescendant: the focus stays in the input), Right opens
 * a node's children (fetched once with htmx: "walking the tree") or moves into them, Left closes a node or
 * moves to its parent, Enter chooses (on an item that cannot be chosen it opens it), Escape closes, Tab
 * leaves. A tap on a row chooses it, a tap on the arrow before it opens its children.
 *
 * The tree is flat: children are inserted after their parent and aria-level says the nesting, so each item
 * is named by its own row only. The input's value is always the organization code, so the form works the
 * same without this file. User-visible texts come from the widget's data-msg-* attributes (translated on
 * the server). No inline script or style: a strict Content-Security-Policy stays on.
 */
(function () {
  'use strict';
  if (window.orgPickerLoaded) {
    return;
  }
  window.orgPickerLoaded = true;

  var DELAY = 250;
  var counter = 0;

  function parts(root) {
    return {
      root: root,
      input: root.querySelector('.org-picker-input'),
      browse: root.querySelector('.org-picker-browse'),
      popup: root.querySelector('.org-picker-popup'),
      tree: root.querySelector('[role="tree"]'),
      chosen: root.querySelector('.org-picker-chosen'),
      status: root.querySelector('.org-picker-status')
    };
  }

  function pickerOf(el) {
    var root = el && el.closest ? el.closest('[data-org-picker]') : null;
    return root ? parts(root) : null;
  }

  function message(p, name, values) {
    var text = p.root.getAttribute('data-msg-' + name) || '';
    Object.keys(values || {}).forEach(function (key) {
      text = text.split('{' + key + '}').join(values[key]);
    });
    return text;
  }

  function isOpen(p) {
    return !p.popup.hidden;
  }

  function open(p) {
    p.popup.hidden = false;
    p.input.setAttribute('aria-expanded', 'true');
    p.browse.setAttribute('aria-expanded', 'true');
  }

  function close(p) {
    setActive(p, null);
    p.popup.hidden = true;
    p.input.setAttribute('aria-expanded', 'false');
    p.browse.setAttribute('aria-expanded', 'false');
  }

  function request(url, source, swap) {
    var done = window.htmx.ajax('GET', url, {source: source, target: source, swap: swap});
    if (done && done.catch) {
      done.catch(function () {});
    }
  }

  function withParam(url, name, value) {
    return url + (url.indexOf('?') < 0 ? '?' : '&') + name + '=' + encodeURIComponent(value);
  }

  function search(p, activateFirst) {
    var text = p.input.value.trim();
    p.tree.toggleAttribute('data-activate-first', Boolean(activateFirst));
    p.tree.setAttribute('data-query', text);
    request(withParam(p.root.getAttribute('data-url'), 'q', text), p.tree, 'innerHTML');
  }

  /* --- the flat tree: levels, parents, what is shown ------------------------------------------------ */

  function level(item) {
    return parseInt(item.getAttribute('aria-level') || '1', 10);
  }

  function items(p) {
    return Array.prototype.slice.call(p.tree.querySelectorAll(':scope > [role="treeitem"]'));
  }

  function visibleItems(p) {
    return items(p).filter(function (item) {
      return !item.hidden;
    });
  }

  /* The items below ``item`` (its children, theirs …): the following ones of a higher level. */
  function descendants(item) {
    var found = [];
    var own = level(item);
    for (var next = item.nextElementSibling; next && level(next) > own; next = next.nextElementSibling) {
      found.push(next);
    }
    return found;
  }

  function parentItem(item) {
    var own = level(item);
    for (var previous = item.previousElementSibling; previous; previous = previous.previousElementSibling) {
      if (level(previous) < own) {
        return previous;
      }
    }
    return null;
  }

  /* Show the descendants of an opened item whose own parents are open too. */
  function showOpened(item) {
    var shownUpTo = level(item) + 1;
    descendants(item).forEach(function (next) {
      var own = level(next);
      next.hidden = own > shownUpTo;
      if (!next.hidden) {
        shownUpTo = next.getAttribute('aria-expanded') === 'true' ? own + 1 : own;
      }
    });
  }

  function activeItem(p) {
    var id = p.input.getAttribute('aria-activedescendant');
    return id ? document.getElementById(id) : null;
  }

  function setActive(p, item) {
    var previous = p.tree.querySelector('.is-active');
    if (previous) {
      previous.classList.remove('is-active');
    }
    if (!item) {
      p.input.removeAttribute('aria-activedescendant');
      return;
    }
    item.classList.add('is-active');
    p.input.setAttribute('aria-activedescendant', item.id);
    item.scrollIntoView({block: 'nearest'});
  }

  function move(p, step) {
    var shown = visibleItems(p);
    if (!shown.length) {
      return;
    }
    var index = shown.indexOf(activeItem(p));
    if (index < 0) {
      index = step > 0 ? 0 : shown.length - 1;
    } else {
      index = Math.min(shown.length - 1, Math.max(0, index + step));
    }
    setActive(p, shown[index]);
  }

  function firstChild(item) {
    var next = item.nextElementSibling;
    return next && level(next) === level(item) + 1 ? next : null;
  }

  function expand(p, item, moveIn) {
    if (!item.hasAttribute('aria-expanded')) {
      return;
    }
    item.setAttribute('aria-expanded', 'true');
    if (!item.hasAttribute('data-loaded')) {
      item.setAttribute('data-loaded', '');
      item.toggleAttribute('data-activate-first', Boolean(moveIn));
      item.orgPickerNext = item.nextElementSibling;
      request(withParam(item.getAttribute('data-children'), 'level', level(item) + 1), item, 'afterend');
      return;
    }
    showOpened(item);
    if (moveIn && firstChild(item)) {
      setActive(p, firstChild(item));
    }
  }

  function collapse(p, item) {
    var below = descendants(item);
    if (below.indexOf(activeItem(p)) >= 0) {
      setActive(p, item);
    }
    below.forEach(function (next) {
      next.hidden = true;
    });
    item.setAttribute('aria-expanded', 'false');
  }

  function toggle(p, item) {
    if (item.getAttribute('aria-expanded') === 'true') {
      collapse(p, item);
    } else {
      expand(p, item, false);
    }
  }

  /* --- choosing ---------------------------------------------------------------------------------------- */

  function markSelected(p) {
    var code = p.input.value.trim();
    p.tree.querySelectorAll('.org-picker-item[aria-selected]').forEach(function (item) {
      item.setAttribute('aria-selected', item.getAttribute('data-code') === code ? 'true' : 'false');
    });
  }

  function choose(p, item) {
    if (!item.classList.contains('org-picker-item')) {
      return;
    }
    if (item.getAttribute('aria-disabled') === 'true') {
      toggle(p, item);
      return;
    }
    p.input.value = item.getAttribute('data-code');
    p.chosen.textContent = message(p, 'chosen', {org: item.getAttribute('data-label')});
    markSelected(p);
    close(p);
    p.status.textContent = p.chosen.textContent;
    p.input.dispatchEvent(new Event('change', {bubbles: true}));
  }

  /* A typed code that names an offered organization: say which one, as if it had been chosen. */
  function showExactMatch(p) {
    var code = p.input.value.trim();
    var exact = items(p).find(function (item) {
      return item.getAttribute('data-code') === code && item.getAttribute('aria-selected') !== null;
    });
    if (exact) {
      p.chosen.textContent = message(p, 'chosen', {org: exact.getAttribute('data-label')});
    }
  }

  /* --- after htmx answered ---------------------------------------------------------------------------- */

  function named(p, added) {
    added.forEach(function (item) {
      counter += 1;
      item.id = p.input.id + '-item-' + counter;
    });
    markSelected(p);
  }

  function statusFor(added) {
    var orgs = added.filter(function (item) {
      return item.classList.contains('org-picker-item');
    });
    var note = added.find(function (item) {
      return item.classList.contains('org-picker-note');
    });
    return {count: orgs.length, note: note ? note.textContent.trim() : ''};
  }

  function searched(p) {
    var added = items(p);
    named(p, added);
    setActive(p, null);
    open(p);
    showExactMatch(p);
    var found = statusFor(added);
    p.status.textContent = found.count
      ? message(p, 'found', {n: found.count}) + (found.note ? ' ' + found.note : '')
      : found.note;
    if (p.tree.hasAttribute('data-activate-first')) {
      p.tree.removeAttribute('data-activate-first');
      move(p, 1);
    }
  }

  function childrenLoaded(p, item) {
    var added = [];
    for (var next = item.nextElementSibling; next && next !== item.orgPickerNext; next = next.nextElementSibling) {
      added.push(next);
    }
    named(p, added);
    if (item.getAttribute('aria-expanded') !== 'true') {
      added.forEach(function (next) {
        next.hidden = true;
      });
    }
    var found = statusFor(added);
    p.status.textContent = message(p, 'children', {name: item.getAttribute('data-name'), n: found.count});
    if (item.hasAttribute('data-activate-first')) {
      item.removeAttribute('data-activate-first');
      if (added.length) {
        setActive(p, added[0]);
      }
    }
  }

  /* --- events ------------------------------------------------------------------------------------------ */

  function onKeydown(event) {
    var p = pickerOf(event.target);
    if (!p || event.target !== p.input) {
      return;
    }
    var active = activeItem(p);
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        if (!isOpen(p)) {
          if (items(p).length && p.tree.getAttribute('data-query') === p.input.value.trim()) {
            open(p);
            move(p, 1);
          } else {
            search(p, true);
          }
        } else if (!event.altKey) {
          move(p, 1);
        }
        break;
      case 'ArrowUp':
        if (isOpen(p)) {
          event.preventDefault();
          if (event.altKey) {
            close(p);
          } else {
            move(p, -1);
          }
        }
        break;
      case 'ArrowRight':
        if (active && active.hasAttribute('aria-expanded')) {
          event.preventDefault();
          expand(p, active, active.getAttribute('aria-expanded') === 'true');
        }
        break;
      case 'ArrowLeft':
        if (active) {
          event.preventDefault();
          if (active.getAttribute('aria-expanded') === 'true') {
            collapse(p, active);
          } else if (parentItem(active)) {
            setActive(p, parentItem(active));
          }
        }
        break;
      case 'Enter':
        if (isOpen(p) && active) {
          event.preventDefault();
          choose(p, active);
        }
        break;
      case 'Escape':
        if (isOpen(p)) {
          event.preventDefault();
          close(p);
        }
        break;
      case 'Tab':
        if (isOpen(p)) {
          close(p);
        }
        break;
    }
  }

  function onInput(event) {
    var p = pickerOf(event.target);
    if (!p || event.target !== p.input) {
      return;
    }
    p.chosen.textContent = '';
    markSelected(p);
    window.clearTimeout(p.root.orgPickerTimer);
    if (!p.input.value.trim()) {
      close(p);
      return;
    }
    p.root.orgPickerTimer = window.setTimeout(function () {
      search(p, false);
    }, DELAY);
  }

  function closeOthers(target) {
    document.querySelectorAll('[data-org-picker]').forEach(function (root) {
      if (!root.contains(target)) {
        var other = parts(root);
        if (isOpen(other)) {
          close(other);
        }
      }
    });
  }

  function onClick(event) {
    var target = event.target;
    closeOthers(target);
    var p = pickerOf(target);
    if (!p) {
      return;
    }
    if (target.closest('.org-picker-browse')) {
      if (isOpen(p)) {
        close(p);
      } else {
        search(p, false);
      }
      return;
    }
    var item = target.closest('[role="treeitem"]');
    if (!item || !p.tree.contains(item)) {
      return;
    }
    setActive(p, item);
    if (target.closest('.org-picker-twisty') && item.hasAttribute('aria-expanded')) {
      toggle(p, item);
    } else {
      choose(p, item);
    }
  }

  /* The focus went to another field (or anywhere else): close the popups it left. */
  function onFocusin(event) {
    closeOthers(event.target);
  }

  /* Keep the focus (and a phone's keyboard) in the input while a row or the button is tapped. */
  function onPointerdown(event) {
    if (event.target.closest('.org-picker-popup, .org-picker-browse') && pickerOf(event.target)) {
      event.preventDefault();
    }
  }

  function onSwapped(event) {
    var target = event.detail && event.detail.target;
    var p = pickerOf(target);
    if (!p) {
      return;
    }
    if (target === p.tree) {
      searched(p);
    } else if (target.getAttribute('role') === 'treeitem') {
      childrenLoaded(p, target);
    }
  }

  function onResponseError(event) {
    var target = event.detail && event.detail.target;
    if (target && target.getAttribute('role') === 'treeitem' && pickerOf(target)) {
      target.removeAttribute('data-loaded');
      target.setAttribute('aria-expanded', 'false');
    }
  }

  function init(scope) {
    (scope || document).querySelectorAll('[data-org-picker]').forEach(function (root) {
      var browse = root.querySelector('.org-picker-browse');
      if (browse && window.htmx) {
        browse.hidden = false;
      }
    });
  }

  document.addEventListener('keydown', onKeydown);
  document.addEventListener('input', onInput);
  document.addEventListener('click', onClick);
  document.addEventListener('focusin', onFocusin);
  document.addEventListener('pointerdown', onPointerdown);
  document.addEventListener('htmx:afterSwap', onSwapped);
  document.addEventListener('htmx:responseError', onResponseError);
  document.addEventListener('htmx:load', function (event) {
    init(event.target);
  });
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', function () {
      init(document);
    });
  } else {
    init(document);
  }
}());
