;; strings: string building. Every round formats 1,000 records ("<i>:<i*i>;" with
;; number->string and string-append), joins them pairwise into one string, reverses a copy via
;; string->list/list->string, and takes substrings; bench-size rounds.
;; Checksum: a hash of the characters of every joined string and reversed substring.
(define (format-record i)
  (string-append (number->string i) ":" (number->string (* i i)) ";"))
(define (records lo n)
  (let loop ((i (+ lo n -1)) (l '()))
    (if (< i lo) l (loop (- i 1) (cons (format-record i) l)))))
;; Joins a list of strings by appending neighbours, halving the list each pass (so no step
;; copies the whole growing string more than log n times).
(define (join strings)
  (define (pass l)
    (cond ((null? l) '())
          ((null? (cdr l)) l)
          (else (cons (string-append (car l) (cadr l)) (pass (cddr l))))))
  (cond ((null? strings) "")
        ((null? (cdr strings)) (car strings))
        (else (join (pass strings)))))
(define (hash-string s h)
  (let ((n (string-length s)))
    (let loop ((i 0) (h h))
      (if (= i n)
          h
          (loop (+ i 1) (modulo (+ (* h 131) (char->integer (string-ref s i))) 1000000007))))))
(define (string-reverse s) (list->string (reverse (string->list s))))
(define (run r h)
  (if (= r 0)
      h
      (let* ((s (join (records (* r 7) 1000)))
             (n (string-length s))
             (middle (substring s (quotient n 3) (quotient (* 2 n) 3)))
             (back (string-reverse middle)))
        (run (- r 1) (hash-string back (hash-string s h))))))
(display (run bench-size 0))
(newline)
