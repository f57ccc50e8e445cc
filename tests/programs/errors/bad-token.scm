; exit: 1
; An unknown character name.
(display (list #\a #\foo))
