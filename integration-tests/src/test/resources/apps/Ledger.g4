// A grammar for a small accounting language, written for the integration tests: the ANTLR tool
// generates a parser, lexer, listener and visitor for it. Enough alternatives, precedence levels
// and optional parts to give the tool's analysis real work.
grammar Ledger;

ledger      : (declaration | statement)* EOF ;

declaration : 'account' ID ('under' qualified)? (':' accountKind)? ('{' property* '}')? ';'?
            | 'currency' ID ('=' NUMBER ID)? ';'
            | 'rule' ID '(' params? ')' block
            | 'import' STRING ('as' ID)? ';'
            ;

accountKind : 'asset' | 'liability' | 'income' | 'expense' | 'equity' ;
property    : ID '=' expr ';' ;
params      : param (',' param)* ;
param       : ID (':' type)? ('=' expr)? ;
type        : 'money' | 'number' | 'text' | 'date' | 'bool' | type '[' ']' | qualified ;
qualified   : ID ('.' ID)* ;

block       : '{' statement* '}' ;
statement   : 'post' expr 'from' qualified 'to' qualified ('on' DATE)? ('memo' STRING)? ';'  # post
            | 'let' ID (':' type)? '=' expr ';'                                            # let
            | qualified op=('=' | '+=' | '-=' | '*=' | '/=') expr ';'                      # assign
            | 'if' '(' expr ')' statement ('else' statement)?                              # if
            | 'while' '(' expr ')' statement                                               # while
            | 'for' ID 'in' expr ('where' expr)? statement                                 # for
            | 'match' expr '{' matchCase+ ('else' '=>' statement)? '}'                     # match
            | 'return' expr? ';'                                                           # return
            | 'assert' expr (',' STRING)? ';'                                              # assert
            | block                                                                        # nested
            | expr ';'                                                                     # exprStmt
            ;
matchCase   : pattern (',' pattern)* '=>' statement ;
pattern     : literal | ID | qualified '(' (pattern (',' pattern)*)? ')' | '_' ;

expr        : primary                                                    # atom
            | expr '.' ID                                                # field
            | expr '[' expr ']'                                          # index
            | expr '(' args? ')'                                         # call
            | <assoc=right> expr '^' expr                                # power
            | op=('-' | '!' | '+') expr                                  # unary
            | expr op=('*' | '/' | '%') expr                             # mul
            | expr op=('+' | '-') expr                                   # add
            | expr '..' expr                                             # range
            | expr op=('<' | '<=' | '>' | '>=') expr                     # compare
            | expr op=('==' | '!=') expr                                 # equal
            | expr 'in' expr                                             # member
            | expr '&&' expr                                             # and
            | expr '||' expr                                             # or
            | <assoc=right> expr '?' expr ':' expr                       # cond
            | 'fn' '(' params? ')' '=>' (expr | block)                   # lambda
            ;
args        : expr (',' expr)* ;
primary     : literal | ID | '(' expr ')' | '[' args? ']' | '{' (entry (',' entry)*)? '}' ;
entry       : (ID | STRING) ':' expr ;
literal     : NUMBER ID? | STRING | DATE | 'true' | 'false' | 'none' ;

DATE        : DIGIT DIGIT DIGIT DIGIT '-' DIGIT DIGIT '-' DIGIT DIGIT ;
NUMBER      : DIGIT+ ('.' DIGIT+)? ([eE] [+-]? DIGIT+)? ;
ID          : [a-zA-Z_] [a-zA-Z_0-9]* ;
STRING      : '"' (~["\\\r\n] | '\\' .)* '"' ;
fragment DIGIT : [0-9] ;
COMMENT     : '//' ~[\r\n]* -> skip ;
BLOCK       : '/*' .*? '*/' -> skip ;
WS          : [ \t\r\n]+ -> skip ;
