; equal? on cyclic structure terminates (R7RS 6.1): two structures are equal? when the
; (possibly infinite) trees they unfold to are. Expected output written by hand: Guile's
; equal? does not terminate on these.
(define (cycle! l) (set-cdr! (list-tail l (- (length l) 1)) l) l)
(define a (cycle! (list 1 2)))
(define b (cycle! (list 1 2)))
(define c (cycle! (list 1 2 1 2 1 2)))  ; the same infinite list, another period
(define d (cycle! (list 1 3)))
(define e (cycle! (list 1 2 1)))        ; 1 2 1 1 2 1 ...: differs at the fourth element
(write (list (equal? a b) (equal? a c) (equal? c a) (equal? a d) (equal? a e) (equal? a a)))
(newline)
; Cycles through cars, and through both at once.
(define (car-loop) (let ((p (cons #f 1))) (set-car! p p) p))
(write (list (equal? (car-loop) (car-loop))
             (equal? (car-loop) (let ((p (cons #f 2))) (set-car! p p) p))))
(newline)
(define (knot x) (let ((p (list #f x))) (set-car! p p) (set-cdr! (cdr p) p) p))  ; (p x p x ...)
(write (list (equal? (knot 1) (knot 1)) (equal? (knot 1) (knot 2))))
(newline)
; Vectors that contain themselves, directly and through a list.
(define (self-vector x) (let ((v (vector x #f))) (vector-set! v 1 v) v))
(write (list (equal? (self-vector 1) (self-vector 1)) (equal? (self-vector 1) (self-vector 2))))
(newline)
(define (vector-via-list x) (let* ((v (vector x #f)) (l (list 'in v))) (vector-set! v 1 l) v))
(write (list (equal? (vector-via-list "s") (vector-via-list "s"))
             (equal? (vector-via-list "s") (vector-via-list "t"))))
(newline)
; A cyclic structure against an acyclic one, and the search built-ins that use equal?.
(write (list (equal? a (list 1 2 1 2)) (equal? (list 1 2 1 2) a)))
(newline)
(write (list (pair? (member a (list 0 b))) (pair? (assoc c (list (cons d 1) (cons b 2))))
             (member d (list a b c))))
(newline)
