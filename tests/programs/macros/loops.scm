; Macros as r7rs-benchmarks-style programs use them: loops, binding forms, definitions.
(define-syntax my-if
  (syntax-rules ()
    ((_ c t e) (cond (c t) (else e)))))
(write (list (my-if #t 'yes 'no) (my-if #f 'yes 'no))) (newline)

(define-syntax while
  (syntax-rules ()
    ((_ c body ...) (let lp () (when c body ... (lp))))))
(define i 0)
(define acc '())
(while (< i 5) (set! acc (cons i acc)) (set! i (+ i 1)))
(write (reverse acc)) (newline)

(define-syntax for
  (syntax-rules (in from to)
    ((_ x in lst body ...) (for-each (lambda (x) body ...) lst))
    ((_ x from a to b body ...) (do ((x a (+ x 1))) ((> x b)) body ...))))
(for x in '(a b c) (display x) (display " "))
(newline)
(define total 0)
(for k from 1 to 100 (set! total (+ total k)))
(write total) (newline)
; The loop variable of `while`'s template does not capture a user's `lp`.
(define (count-down lp)
  (let ((out '()))
    (while (> lp 0) (set! out (cons lp out)) (set! lp (- lp 1)))
    out))
(write (count-down 3)) (newline)

(define-syntax my-let*
  (syntax-rules ()
    ((_ () body ...) (let () body ...))
    ((_ ((x v) rest ...) body ...) (let ((x v)) (my-let* (rest ...) body ...)))))
(write (my-let* ((a 1) (b (+ a 1)) (c (* b 10))) (list a b c))) (newline)

(define-syntax my-cond
  (syntax-rules (else =>)
    ((_ (else e ...)) (begin e ...))
    ((_ (c => f) clause ...) (let ((t c)) (if t (f t) (my-cond clause ...))))
    ((_ (c e ...) clause ...) (if c (begin e ...) (my-cond clause ...)))))
(write (my-cond (#f 1) ((assv 2 '((1 . a) (2 . b))) => cdr) (else 'none))) (newline)
(write (my-cond (#f 1) (else 'none))) (newline)

(define-syntax my-let
  (syntax-rules ()
    ((_ name ((v e) ...) body ...) ((letrec ((name (lambda (v ...) body ...))) name) e ...))
    ((_ ((v e) ...) body ...) ((lambda (v ...) body ...) e ...))))
(write (my-let ((a 1) (b 2)) (+ a b))) (newline)
(write (my-let loop ((n 5) (r 1)) (if (= n 0) r (loop (- n 1) (* r n))))) (newline)

; Macros that define procedures and variables, at top level and in a body.
(define-syntax define-getter
  (syntax-rules ()
    ((_ name value) (define (name) value))))
(define-getter answer 42)
(write (answer)) (newline)
(define-syntax define-counter
  (syntax-rules ()
    ((_ get inc!) (begin (define count 0)
                         (define (get) count)
                         (define (inc!) (set! count (+ count 1)))))))
(define (use-counter)
  (define-counter get inc!)
  (inc!) (inc!) (inc!)
  (get))
(write (use-counter)) (newline)
(define-syntax define-point
  (syntax-rules ()
    ((_ make get-x) (define-record-type point (make x y) point? (x get-x) (y get-y)))))
(define-point make-pt pt-x)
(write (pt-x (make-pt 3 4))) (newline)

; define-syntax in a body, used by the definitions before and after it.
(define (body-macros n)
  (define (twice) (double n))
  (define-syntax double (syntax-rules () ((_ e) (* 2 e))))
  (define result (double (twice)))
  result)
(write (body-macros 5)) (newline)

; A recursive macro over a long list, and a macro expanding into another's use.
(define-syntax sum
  (syntax-rules ()
    ((_) 0)
    ((_ x rest ...) (+ x (sum rest ...)))))
(write (sum 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20)) (newline)
(define-syntax inc!
  (syntax-rules ()
    ((_ v) (inc! v 1))
    ((_ v n) (set! v (+ v n)))))
(define z 1)
(inc! z)
(inc! z 10)
(write z) (newline)
