; stress: stress=500,verify=1
; Code that captures at every level: each capture's saved stack is only the part between it
; and the enclosing live call/cc, shared with that one's (docs/design/continuations.md,
; "Shared segments"), and an escape straight from JIT code to the innermost call/cc is a jump.
; The r7rs-benchmarks ctak and fibc at small sizes, re-entries of inner continuations after
; their enclosing ones exited, escapes whose frames hold a dynamic-wind, a parameterize, a
; handler or a built-in between, and a chain of 3,000 captures re-entered from its bottom.
(define (ctak x y z)
  (call-with-current-continuation
   (lambda (k) (ctak-aux k x y z))))
(define (ctak-aux k x y z)
  (if (not (< y x))
      (k z)
      (call-with-current-continuation
       (lambda (k)
         (ctak-aux
          k
          (call-with-current-continuation
           (lambda (k) (ctak-aux k (- x 1) y z)))
          (call-with-current-continuation
           (lambda (k) (ctak-aux k (- y 1) z x)))
          (call-with-current-continuation
           (lambda (k) (ctak-aux k (- z 1) x y))))))))
(display (list (ctak 12 8 4) (ctak 14 10 2)))
(newline)
(define (addc x y k) (if (zero? y) (k x) (addc (+ x 1) (- y 1) k)))
(define (fibc x c)
  (if (zero? x)
      (c 0)
      (if (zero? (- x 1))
          (c 1)
          (addc (call/cc (lambda (c) (fibc (- x 1) c)))
                (call/cc (lambda (c) (fibc (- x 2) c)))
                c))))
(display (fibc 15 (lambda (n) n)))
(newline)
; An inner continuation re-entered after it and its enclosing call/cc returned.
(define (inner-reentry)
  (let ((saved #f) (n 0) (log '()))
    (let ((r (call/cc (lambda (outer)
                        (list 'a (call/cc (lambda (inner) (set! saved inner) 0)))))))
      (set! log (cons r log))
      (set! n (+ n 1))
      (if (< n 4) (saved n))
      (reverse log))))
(display (inner-reentry))
(newline)
; The same while the enclosing one is still live, then escaping through it.
(define (inner-reentry-live)
  (let ((saved #f) (n 0))
    (call/cc
     (lambda (outer)
       (let ((v (call/cc (lambda (inner) (set! saved inner) 0))))
         (set! n (+ n 1))
         (if (< v 3) (saved (+ v 1)) (outer (list 'out v n))))))))
(display (inner-reentry-live))
(newline)
; Escapes with something between the receiver and the call: each restores what it set.
(define p (make-parameter 'outside))
(define trail '())
(define (note x) (set! trail (cons x trail)))
(let* ((a (call/cc (lambda (k) (dynamic-wind (lambda () (note 'in)) (lambda () (k 'wind))
                                               (lambda () (note 'out))))))
       (b (call/cc (lambda (k) (parameterize ((p 'inside)) (k (p))))))
       (c (p))
       (d (call/cc (lambda (k) (with-exception-handler (lambda (e) 'handled)
                                                        (lambda () (k 'handler))))))
       (e (call/cc (lambda (k) (for-each (lambda (x) (if (= x 2) (k 'for-each))) '(1 2 3)))))
       (f (call/cc (lambda (k) (apply k '(apply)))))
       (g (call-with-values (lambda () (call/cc (lambda (k) (k 1 2)))) list)))
  (display (list a b c d e f g)))
(newline)
(display (reverse trail))
(newline)
; 3,000 nested captures, the innermost saved and re-entered after all of them returned:
; each re-entry restores the whole chain.
(define k-bottom #f)
(define (down n)
  (if (= n 0)
      (call/cc (lambda (k) (set! k-bottom k) 0))
      (+ 1 (call/cc (lambda (k) (down (- n 1)))))))
(define (chain)
  (let ((v (down 3000)))
    (if (< v 3003) (k-bottom (+ (- v 3000) 1)) v)))
(display (chain))
(newline)
(display (guard (e (#t (list 'caught (error-object-message e))))
  (call/cc (lambda (k) (+ 1 (error "from inside" 'x))))))
(newline)
