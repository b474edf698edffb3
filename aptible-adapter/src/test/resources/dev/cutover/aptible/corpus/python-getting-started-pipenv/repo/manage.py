# placeholder: the preparer reads only that this file exists
