; Local macros: a let-syntax template's variable under a lambda parameter of the same name,
; a loop variable a template introduces, and a body's define-syntax used on a variable tmp.
(define (f x)
  (let-syntax ((get (syntax-rules () ((_) x))))
    (map (lambda (x) (list x (get))) '(1 2))))
(write (f 'outer)) (newline)
(define-syntax my-do
  (syntax-rules ()
    ((_ n body ...) (let loop ((i 0)) (when (< i n) body ... (loop (+ i 1)))))))
(define i 100)
(my-do 3 (display i) (display " "))
(newline)
(define (g)
  (define-syntax swap! (syntax-rules () ((_ a b) (let ((tmp a)) (set! a b) (set! b tmp)))))
  (let ((tmp 1) (y 2)) (swap! tmp y) (list tmp y)))
(write (g)) (newline)
; A local macro that expands into another local macro's use, in nested bodies.
(define (h n)
  (letrec-syntax ((twice (syntax-rules () ((_ e) (begin e e))))
                  (four-times (syntax-rules () ((_ e) (twice (twice e))))))
    (let ((count 0))
      (four-times (set! count (+ count n)))
      count)))
(write (h 3)) (newline)
