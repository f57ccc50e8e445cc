; number->string and string->number.
(define (show . xs) (for-each (lambda (x) (write x) (display " ")) xs) (newline))
(show (number->string 42) (number->string -7) (number->string 1.5) (number->string 0))
(show (number->string 255 16) (number->string 10 2) (number->string -255 8))
(show (string->number "42") (string->number "-17") (string->number "2.5") (string->number "1e3"))
(show (string->number "abc") (string->number "") (string->number "12x"))
(show (string->number "ff" 16) (string->number "101" 2))
(show (+ (string->number "40") 2))
