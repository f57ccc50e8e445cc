; exit: 1
; The offending value is written (strings quoted) in the message.
(+ 1 "two")
