// "Copy" buttons: <button data-copy="#id"> copies that field's value. Same-origin script (the CSP allows
// only 'self'); without it the field stays selectable by hand.
document.addEventListener('click', async (event) => {
  const button = event.target instanceof Element ? event.target.closest('[data-copy]') : null;
  if (!button) return;
  const field = document.querySelector(button.getAttribute('data-copy'));
  if (!field) return;
  const status = document.getElementById(button.getAttribute('aria-describedby') || '');
  try {
    await navigator.clipboard.writeText(field.value);
    if (status) status.textContent = 'Copied to the clipboard.';
  } catch {
    field.select();
    if (status) status.textContent = 'Selected: press Ctrl+C (or ⌘C) to copy.';
  }
});
