; All 28 c[ad]{2,4}r accessors on one deep structure.
(define t '(((1 . 2) . (3 . 4)) . ((5 . 6) . (7 . 8))))
(define d '((((a . b) . (c . d)) . ((e . f) . (g . h))) . (((i . j) . (k . l)) . ((m . n) . (o . p)))))
(define (show . xs) (for-each (lambda (x) (write x) (display " ")) xs) (newline))
(show (caar t) (cadr t) (cdar t) (cddr t))
(show (caaar t) (caadr t) (cadar t) (caddr t) (cdaar t) (cdadr t) (cddar t) (cdddr t))
(show (caaaar d) (caaadr d) (caadar d) (caaddr d) (cadaar d) (cadadr d) (caddar d) (cadddr d))
(show (cdaaar d) (cdaadr d) (cdadar d) (cdaddr d) (cddaar d) (cddadr d) (cdddar d) (cddddr d))
(show (cadr '(1 2 3)) (caddr '(1 2 3)) (cdddr '(1 2 3 4)) (cadddr '(1 2 3 4)))
