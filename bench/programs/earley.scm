;; earley: an Earley recogniser for the ambiguous grammar E -> E + E | E * E | ( E ) | n on
;; inputs of about 40 tokens (n + n * ( n + n ) * n ..., different every round), written from
;; the algorithm's description: lists of items, member/equal?, memq and closures. Items are
;; (rule dot origin) lists, kept in one list per input position; adding an item first checks
;; with member (equal? on lists) that it is new, and the predictor, scanner and completer walk
;; the item lists with for-each and closures. bench-size rounds.
;; Checksum: the number of items in every chart, plus 1 for every accepted input.
(define grammar ; rule = (lhs rhs ...), numbered by position
  '((s e) (e e + e) (e e * e) (e lp e rp) (e n)))
(define rules (list->vector grammar))
(define (rule-lhs r) (car (vector-ref rules r)))
(define (rule-rhs r) (cdr (vector-ref rules r)))
(define (rules-for sym)
  (let loop ((i 0) (acc '()))
    (if (= i (vector-length rules))
        (reverse acc)
        (loop (+ i 1) (if (eq? (rule-lhs i) sym) (cons i acc) acc)))))
(define nonterminals '(s e))
(define (item rule dot origin) (list rule dot origin))
(define (next-symbol it)
  (let ((rhs (list-tail (rule-rhs (car it)) (cadr it))))
    (if (null? rhs) #f (car rhs))))
;; Parses the vector of tokens; returns (items . accepted?). chart[k] holds the items of
;; position k; the agenda holds those of position k not yet processed.
(define (parse tokens)
  (let* ((n (vector-length tokens))
         (chart (make-vector (+ n 1) '())))
    (define (add! k it)
      (if (member it (vector-ref chart k))
          #f
          (begin (vector-set! chart k (cons it (vector-ref chart k))) #t)))
    (add! 0 (item 0 0 0))
    (do ((k 0 (+ k 1))) ((> k n))
      (let process ((agenda (vector-ref chart k)))
        (unless (null? agenda)
          (let* ((it (car agenda)) (sym (next-symbol it)) (more (cdr agenda)))
            (cond ((not sym)                                        ; complete
                   (let ((lhs (rule-lhs (car it))))
                     (for-each (lambda (p)
                                 (when (eq? (next-symbol p) lhs)
                                   (let ((new (item (car p) (+ (cadr p) 1) (caddr p))))
                                     (when (add! k new) (set! more (cons new more))))))
                               (vector-ref chart (caddr it)))))
                  ((memq sym nonterminals)                          ; predict
                   (for-each (lambda (r)
                               (let ((new (item r 0 k)))
                                 (when (add! k new) (set! more (cons new more)))))
                             (rules-for sym)))
                  ((and (< k n) (eq? sym (vector-ref tokens k)))    ; scan
                   (add! (+ k 1) (item (car it) (+ (cadr it) 1) (caddr it)))))
            (process more)))))
    (cons (let loop ((k 0) (acc 0))
            (if (> k n) acc (loop (+ k 1) (+ acc (length (vector-ref chart k))))))
          (if (member (item 0 1 0) (vector-ref chart n)) #t #f))))
;; A token vector of len or a few more tokens: n, then (op operand) pairs, an operand being n
;; or, one time in five, the group ( n + n ).
(define (expression len seed)
  (let loop ((i 1) (x seed) (acc '(n)))
    (let* ((next (modulo (+ (* x 1103515245) 12345) 2147483648))
           (r (quotient next 65536))
           (op (if (even? r) '+ '*)))
      (cond ((>= i len) (list->vector (reverse acc)))
            ((= (modulo r 5) 0) (loop (+ i 6) next (append '(rp n + n lp) (cons op acc))))
            (else (loop (+ i 2) next (cons 'n (cons op acc))))))))
(define (run r acc)
  (if (= r 0)
      acc
      (let ((result (parse (expression 40 r))))
        (run (- r 1) (+ acc (car result) (if (cdr result) 1 0))))))
(display (run bench-size 0))
(newline)
