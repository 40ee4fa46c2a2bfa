DATE_FORMAT = "j F Y"
# "15h00": the French way of writing an hour; other languages keep their own ("15:00").
TIME_FORMAT = "H\\hi"
DATETIME_FORMAT = "j F Y à H\\hi"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
