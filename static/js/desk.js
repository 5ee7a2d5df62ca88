/* The article desk: give the admin's autocompletes (select2) the accessible name of
   their field's label, which select2 leaves out. Runs after the admin has set them up. */
'use strict';
{
    const $ = django.jQuery;

    function nameAutocompletes(root) {
        root.querySelectorAll('select.admin-autocomplete').forEach((select) => {
            const label = document.querySelector(`label[for="${select.id}"]`);
            const container = select.nextElementSibling;
            if (!label || !container || !container.classList.contains('select2')) {
                return;
            }
            label.id = label.id || `${select.id}-label`;
            container.querySelectorAll('.select2-selection, .select2-selection__rendered, .select2-search__field').forEach(
                (element) => element.setAttribute('aria-labelledby', label.id)
            );
        });
    }

    $(() => {
        nameAutocompletes(document);
        // A multiple choice redraws its search field after each choice.
        $(document).on('select2:select select2:unselect', () => nameAutocompletes(document));
    });
}
