;; deriv: symbolic differentiation of polynomial expressions built from lists and symbols
;; (quoted lists, eq? on symbols, map with a closure), bench-size times on an expression that
;; changes with the iteration. Checksum: the sum of every number in every derivative, plus the
;; number of pairs in them.
(define (deriv e)
  (cond ((number? e) 0)
        ((symbol? e) (if (eq? e 'x) 1 0))
        ((eq? (car e) '+) (cons '+ (map deriv (cdr e))))
        ((eq? (car e) '-) (cons '- (map deriv (cdr e))))
        ((eq? (car e) '*)
         ;; d(u1*...*un) = (u1*...*un) * sum(d(ui)/ui)
         (list '* e (cons '+ (map (lambda (u) (list '/ (deriv u) u)) (cdr e)))))
        ((eq? (car e) '/)
         (let ((u (cadr e)) (v (caddr e)))
           (list '- (list '/ (deriv u) v) (list '/ u (list '* v v (deriv v))))))
        (else (error "deriv: unknown operator" (car e)))))
(define (tree-sum t)
  (cond ((pair? t) (+ 1 (tree-sum (car t)) (tree-sum (cdr t))))
        ((number? t) t)
        (else 0)))
(define (expression i)
  (list '+ (list '* i 'x 'x) (list '* 'a 'x 'x) (list '* 'b 'x)
        (list '/ 'x (list '+ 'x i)) (list '- (list '* 3 'x) 'c) 5))
(define (run i acc)
  (if (= i 0)
      acc
      (run (- i 1) (+ acc (tree-sum (deriv (expression (remainder i 100))))))))
(display (run bench-size 0))
(newline)
