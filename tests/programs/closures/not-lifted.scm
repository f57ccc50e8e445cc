; Procedures that escape, or that the lifting leaves alone for another reason, keep their
; closures and behave as before (frontend/analysis/lift.h). Most cases resemble one of
; closures/lifted.scm.

; Returned.
(define (make-counter)
  (define n 0)
  (define (next!) (set! n (+ n 1)) n)
  next!)
(define c (make-counter))
(c) (c)
(write (c)) (newline)

; Stored in a data structure and in a global.
(define stored #f)
(define (store-it x)
  (define (get) x)
  (set! stored get)
  (list get))
(define got (store-it 'kept))
(write (list ((car got)) (stored))) (newline)

; Passed to map, and also called directly.
(define (scale-all k lst)
  (define (scale x) (* k x))
  (cons (scale 1) (map scale lst)))
(write (scale-all 3 '(1 2 3))) (newline)

; A named let whose loop escapes.
(define loop-proc
  (let loop ((i 0) (stop 2)) (if (< i stop) (loop (+ i 1) stop) (if (= stop 2) loop i))))
(write (procedure? loop-proc)) (newline)
(write (loop-proc 0 5)) (newline)

; A variable assigned with set! later.
(define (reassigned)
  (define (f) 'first)
  (define before (f))
  (set! f (lambda () 'second))
  (list before (f)))
(write (reassigned)) (newline)

; Called with the wrong number of arguments in a branch that is never taken.
(define (maybe-wrong flag)
  (define (g x) (* x 2))
  (if flag (g 1 2) (g 21)))
(write (maybe-wrong #f)) (newline)

; A rest parameter.
(define (rest-demo)
  (define (collect . xs) xs)
  (list (collect) (collect 1 2 3)))
(write (rest-demo)) (newline)

; More than six parameters in all: four of its own and three free variables; seven of its own
; (the arguments after the sixth travel in a list); and a lifted procedure that calls one of
; them.
(define (seven a b c)
  (define (f w x y z) (list w x y z a b c))
  (define (g p q r s t u v) (list p q r s t u v a))
  (define (both) (list (f 1 2 3 4) (g 1 2 3 4 5 6 7)))
  (both))
(write (seven 'a 'b 'c)) (newline)

; Mutual recursion where one of the two escapes: the other is lifted and calls it through its
; closure.
(define (escaping-partner n)
  (define (ev? k) (if (= k 0) #t (od? (- k 1))))
  (define (od? k) (if (= k 0) #f (ev? (- k 1))))
  (list (ev? n) (map od? '(1 2 3))))
(write (escaping-partner 10)) (newline)

; A letrec whose init runs code that calls procedures defined before it.
(define (late-bound)
  (define (first) (second))
  (define (second) 'second)
  (define result (first))
  result)
(write (late-bound)) (newline)

; A closure made while a letrec initialises, calling a procedure that needs a variable
; initialised after the closure was made.
(define (early-closure)
  (define (h) later)
  (define k (let ((t (lambda () (h)))) t))
  (define later 'later)
  (k))
(write (early-closure)) (newline)

; A procedure that makes a closure, called while its letrec initialises and before a variable
; the closure needs (through another procedure) is initialised: the closure must see the
; variable's value once it has one. Lifting p and h would have the closure copy it too early.
(define (early-copy)
  (define (h) u)
  (define (p) (lambda () (h)))
  (define k (p))
  (define u 'initialised-later)
  (k))
(write (early-copy)) (newline)
