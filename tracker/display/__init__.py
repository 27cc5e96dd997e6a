"""How values read on a page or in an e-mail: enum labels and formatted dates, numbers and
amounts. Depends only on the models, so services, forms, mail and templates share it without
importing the web layer."""
