; memq memv member assq assv assoc.
(define (show . xs) (for-each (lambda (x) (write x) (display " ")) xs) (newline))
(show (memq 'c '(a b c d)) (memq 'z '(a b c)) (memq 'a '()))
(show (memv 3 '(1 2 3 4)) (memv 2.5 '(1 2.5 3)) (memv 9 '(1 2)))
(show (member "b" '("a" "b" "c")) (member '(1) '((0) (1) (2))) (member 'x '()))
(define alist '((a . 1) (b . 2) (c . 3)))
(show (assq 'b alist) (assq 'z alist))
(show (assv 2 '((1 . one) (2 . two))) (assv 2.0 '((2.0 . float))) (assv 5 '()))
(show (assoc "b" '(("a" . 1) ("b" . 2))) (assoc '(k) '(((k) . v))) (assoc "z" '()))
