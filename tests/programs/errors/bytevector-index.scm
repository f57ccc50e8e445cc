; exit: 1
; A bytevector index out of range, and a byte out of range, are errors with the house messages.
(define b (bytevector 1 2 3))
(display (bytevector-u8-ref b 2)) (newline)
(display (bytevector-u8-ref b 3)) (newline)
