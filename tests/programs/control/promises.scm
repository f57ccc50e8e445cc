; stress: stress=5000,verify=1
; delay, delay-force, make-promise, force, promise? (R7RS 4.2.5).
(define count 0)
(define p (delay (begin (set! count (+ count 1)) (* 6 7))))
(display (promise? p)) (newline)
(display (list (force p) (force p) count)) (newline)
(display (promise? 5)) (newline)
(display (force (make-promise 'ready))) (newline)
(define q (make-promise (delay 'inner)))
(display (promise? q)) (newline)
(display (force (delay-force (delay (+ 1 2))))) (newline)

; R7RS's stream example: a long delay-force chain is forced in constant space.
(define integers
  (letrec ((next (lambda (n) (delay (cons n (next (+ n 1)))))))
    (next 0)))
(define (head stream) (car (force stream)))
(define (tail stream) (cdr (force stream)))
(display (head (tail (tail integers)))) (newline)
(define (stream-filter p? s)
  (delay-force
    (if (null? (force s))
        (delay '())
        (let ((h (car (force s)))
              (t (cdr (force s))))
          (if (p? h)
              (delay (cons h (stream-filter p? t)))
              (stream-filter p? t))))))
(display (head (tail (tail (stream-filter odd? integers))))) (newline)
(define (loop n) (delay-force (if (= n 0) (delay 'done) (loop (- n 1)))))
(display (force (loop 100000))) (newline)
(define (from n) (delay (cons n (from (+ n 1)))))
(define (stream-ref s k) (if (= k 0) (head s) (stream-ref (tail s) (- k 1))))
(display (stream-ref (stream-filter (lambda (x) (= 0 (remainder x 1000))) (from 1)) 20)) (newline)

; Reentrant force (R7RS's example): the first value computed wins.
(define x 5)
(define r
  (delay (begin (set! count (+ count 1))
                (if (> count x) count (force r)))))
(set! count 0)
(display (force r)) (newline)
(set! x 10)
(display (force r)) (newline)

; A promise whose thunk raises stays unforced: forcing it again runs it again.
(define tries 0)
(define fragile
  (delay (begin (set! tries (+ tries 1)) (if (< tries 3) (raise 'not-yet) tries))))
(define (try) (guard (e ((symbol? e) e)) (force fragile)))
(display (list (try) (try) (try) (try))) (newline)

; Many promises forced across collections.
(define ps (let build ((i 0) (acc '())) (if (= i 2000) acc (build (+ i 1) (cons (delay (make-vector 3 i)) acc)))))
(display (apply + (map (lambda (p) (vector-ref (force p) 0)) ps))) (newline)
(display (apply + (map (lambda (p) (vector-ref (force p) 2)) ps))) (newline)
