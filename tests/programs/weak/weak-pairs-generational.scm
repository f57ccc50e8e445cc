; expected: by-hand (Guile has no weak pairs)
; flags: --gc-options=generational=on
; stress: stress=100,verify=1
; With generations (generational=on): the same program and output as weak-pairs.scm.
; Weak pairs (weak-cons): the car is held weakly, the cdr strongly. car, cdr, set-car! and
; set-cdr! work on them as in Chez; a collected car reads #!bwp (bwp-object?).
(define kept (list 'kept))
(define w (weak-cons kept 'extra))
(write (list (weak-pair? w) (weak-pair? (cons 1 2)) (weak-pair? 5) (pair? w))) (newline)
(write (list (eq? (car w) kept) (cdr w) (bwp-object? (car w)) (bwp-object? #f))) (newline)
(set-cdr! w (list 'other))
(define other (list 'new-target))
(define w2 (weak-cons 1 2))
(set-car! w2 other)
(write (list (cdr w) (eq? (car w2) other))) (newline)
; Immediates are never collected.
(define wi (weak-cons 42 #\a))
; 10,000 weak pairs whose cars nothing else holds: at least 99% are broken after a collection
; (a conservatively scanned stack may keep a few), and their strong cdrs stay.
(define (make-dropped n)
  (let loop ((i 0) (acc '()))
    (if (= i n) acc (loop (+ i 1) (cons (weak-cons (list i) i) acc)))))
(define ws (make-dropped 10000))
(collect)
(define (count-broken l)
  (let loop ((l l) (n 0))
    (if (null? l) n (loop (cdr l) (if (bwp-object? (car (car l))) (+ n 1) n)))))
(write (>= (count-broken ws) 9900)) (newline)
(write (let loop ((l ws) (i 9999) (ok #t))
         (if (null? l) ok (loop (cdr l) (- i 1) (and ok (= (cdr (car l)) i))))))
(newline)
; What is still referenced stays.
(write (list (eq? (car w) kept) (eq? (car w2) other) (car wi) (cdr wi))) (newline)
; A weak pair whose cdr refers to its car keeps it: the cdr is strong.
(define (make-self n)
  (let loop ((i 0) (acc '()))
    (if (= i n) acc (loop (+ i 1) (let ((k (list i))) (cons (weak-cons k (list k)) acc))))))
(define selfs (make-self 1000))
(collect)
(write (= (count-broken selfs) 0)) (newline)
