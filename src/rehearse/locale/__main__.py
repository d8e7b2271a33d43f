from rehearse.i18n import extract

extract()
