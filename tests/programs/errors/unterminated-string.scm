; exit: 1
; A string literal that never ends: reported at its opening quote.
(display "this string
never ends)
