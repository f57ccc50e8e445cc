; Procedures that are only ever called (named let, do, internal defines, let-bound lambdas) get
; no closure: their free variables travel as arguments (frontend/analysis/lift.h). Every
; procedure here is lifted, and must behave as it did with a closure.

; The motivating shape: internal defines calling each other, with named lets inside them.
(define (queens n)
  (define (safe? col placed)
    (let loop ((placed placed) (dist 1))
      (or (null? placed)
          (and (not (= (car placed) col))
               (not (= (car placed) (+ col dist)))
               (not (= (car placed) (- col dist)))
               (loop (cdr placed) (+ dist 1))))))
  (define (place row placed solutions)
    (if (= row n)
        (cons (reverse placed) solutions)
        (let try ((col 0) (solutions solutions))
          (if (= col n)
              solutions
              (try (+ col 1)
                   (if (safe? col placed)
                       (place (+ row 1) (cons col placed) solutions)
                       solutions))))))
  (place 0 '() '()))
(write (length (queens 6))) (newline)
(write (queens 5)) (newline)

; Mutual recursion among internal defines that share a free variable; the last one is a
; chain of 50,000 tail calls between the two.
(define (parity n step)
  (define (ev? k) (if (<= k 0) (= k 0) (od? (- k step))))
  (define (od? k) (if (<= k 0) #f (ev? (- k step))))
  (list (ev? n) (od? n)))
(write (list (parity 10 1) (parity 7 1) (parity 100000 2))) (newline)

; A free variable that is itself only ever called: g needs h's free variable, not h.
(define (chain a b)
  (define (h x) (+ x a))
  (define (g x) (* (h x) b))
  (g 5))
(write (chain 1 10)) (newline)

; Deeply captured: the loop is lifted inside two closures and needs `a` from the outermost
; procedure, `b` and `c` from the closures.
(define (deep a)
  (lambda (b)
    (lambda (c)
      (let loop ((i 0) (acc '()))
        (if (= i 3) (reverse acc) (loop (+ i 1) (cons (+ a b c i) acc)))))))
(write (((deep 100) 20) 3)) (newline)

; An assigned variable travels as its box: the lifted procedure's set! is seen by its caller.
(define (counter-demo)
  (define count 0)
  (define (bump! k) (set! count (+ count k)))
  (bump! 1) (bump! 2) (bump! 3)
  count)
(write (counter-demo)) (newline)

; Closures made inside a lifted procedure capture its parameters and its free variables.
(define (adders base)
  (define (make k) (lambda (x) (+ x k base)))
  (let loop ((k 0) (acc '()))
    (if (= k 3)
        (map (lambda (f) (f 1000)) (reverse acc))
        (loop (+ k 1) (cons (make k) acc)))))
(write (adders 5)) (newline)

; A closure made inside a lifted procedure that calls another lifted procedure later.
(define (thunks n)
  (define (square-plus x) (+ (* x x) n))
  (define (make x) (lambda () (square-plus x)))
  (map (lambda (t) (t)) (list (make 1) (make 2) (make 3))))
(write (thunks 10)) (newline)

; A do loop whose body calls an internal define.
(define (sum-of-squares n)
  (define (sq x) (* x x))
  (do ((i 1 (+ i 1)) (acc 0 (+ acc (sq i)))) ((> i n) acc)))
(write (sum-of-squares 10)) (newline)

; let-bound (not letrec) lambdas.
(define (let-bound x)
  (let ((twice (lambda (y) (* 2 y))) (plus-x (lambda (y) (+ x y))))
    (plus-x (twice x))))
(write (let-bound 7)) (newline)

; Exactly six parameters in all (four of its own, two free variables): still lifted.
(define (six a b)
  (define (f w x y z) (list w x y z a b))
  (f 1 2 3 4))
(write (six 5 6)) (newline)

; Non-tail recursion through a lifted procedure, 10,000 frames deep.
(define (count-down n)
  (define (go k) (if (= k 0) 0 (+ 1 (go (- k 1)))))
  (go n))
(write (count-down 10000)) (newline)

; A lifted procedure after a constant of its letrec, which it uses.
(define (board-demo n)
  (define board (make-vector n 0))
  (define (mark! i) (vector-set! board i (* i i)))
  (let loop ((i 0)) (if (< i n) (begin (mark! i) (loop (+ i 1)))))
  board)
(write (board-demo 5)) (newline)

; A top-level named let (its loop lives in the top level's frame).
(write (let loop ((i 0) (acc 1)) (if (= i 10) acc (loop (+ i 1) (* acc 2))))) (newline)
