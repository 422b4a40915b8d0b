package dev.ivbot.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PiiRedactorTest {

    private final PiiRedactor redactor = PiiRedactor.standard();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        # e-mail addresses
        我的邮箱是 zhang.san@example.com 请回复      | 我的邮箱是 <email> 请回复
        mail hr-team+jobs@mail.corp.example.cn now  | mail <email> now
        # mainland mobiles, with and without prefix and grouping
        电话13812345678                             | 电话<phone>
        call +86 138 1234 5678 please               | call <phone> please
        008613912345678 是我的号码                   | <phone> 是我的号码
        138-1234-5678                               | <phone>
        # international numbers with a country code
        my number is +44 20 7946 0958               | my number is <phone>
        # resident ID cards: 18 digits with a valid check character, the old 15-digit form
        身份证11010519491231002X可以吗               | 身份证<id>可以吗
        id 11010519491231002x lower case            | id <id> lower case
        身份证号440301199003071230                   | 身份证号<id>
        旧身份证 110105491231002                     | 旧身份证 <id>
        # bank cards: Luhn-valid, plain or grouped
        工资卡6222021001123456789                    | 工资卡<card>
        card 4111 1111 1111 1111 expired            | card <card> expired
        card 6212-2602-0000-0000-006                | card <card>
        # several kinds in one question
        邮箱a@b.cn 电话13912345678                   | 邮箱<email> 电话<phone>
        """)
    void redactsPersonalData(String text, String expected) {
        assertThat(redactor.redact(text)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        # numbers that are not personal data stay, so that the question keeps its meaning
        年假有几天                                  | 年假有几天
        12345                                       | 12345
        2026年入职                                   | 2026年入职
        offer 编号 20261201 什么时候到               | offer 编号 20261201 什么时候到
        # an 18-digit number with a wrong check character is no ID
        号码110105194912310021                       | 号码110105194912310021
        # a 16-digit number that fails the Luhn check is no card
        4111111111111112                            | 4111111111111112
        # an 11-digit number that is no mainland mobile
        12345678901                                 | 12345678901
        # an @ without a domain is no address
        @hr 请问                                    | @hr 请问
        """)
    void keepsWhatIsNotPersonalData(String text, String expected) {
        assertThat(redactor.redact(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        邮箱a@b.cn 电话13912345678 卡4111111111111111 身份证11010519491231002X
        """)
    void redactionIsIdempotent(String text) {
        String once = redactor.redact(text);
        assertThat(redactor.redact(once)).isEqualTo(once);
        assertThat(once).doesNotContainPattern("[0-9]{7,}");
    }
}
