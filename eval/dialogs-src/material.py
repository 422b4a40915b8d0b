# Hand-written dialog material for eval/dialogs-*.jsonl, phrased apart from the KB examples.
# Per intent: zt/et = stand-alone topic questions (text, slots named), zf/ef = follow-ups that
# only make sense in the topic: ("p", text) a pronoun for the topic, ("s", text) a content-word
# sub-question. The LAST element of every list is reserved for the test split.
M = {
 "leave_policy": dict(
  zt=[("我想了解一下婚假能休多长时间", {"leave_type": "marriage"}), ("产假大概给多少天", {"leave_type": "maternity"}), ("今年的年休假我能有几天", {"leave_type": "annual"})],
  zf=[("p", "这个期间工资照常发吗"), ("s", "可以分几次休完吗"), ("p", "那它需要提前多久报备"), ("s", "要走什么审批")],
  et=[("how much bereavement leave would i get", {"leave_type": "bereavement"}), ("what's the maternity leave length here", {"leave_type": "maternity"}), ("how long is paternity leave at your company", {"leave_type": "paternity"})],
  ef=[("p", "is that fully paid?"), ("s", "can i split the days up"), ("p", "does it need my manager's sign-off"), ("s", "when do i have to use it by")]),
 "working_hours": dict(
  zt=[("你们每天上班从几点到几点", {}), ("公司是弹性上班吗", {}), ("周末需要上班吗", {})],
  zf=[("p", "这个部门之间有差别吗"), ("s", "中午休息多长时间"), ("p", "那这样算下来一周多少小时"), ("s", "最晚几点能到")],
  et=[("what are the normal office hours", {}), ("is the schedule flexible", {}), ("do people work on saturdays there", {})],
  ef=[("p", "is that the same for every team?"), ("s", "how long is the lunch break"), ("p", "so how many hours is that per week"), ("s", "what's the latest i can arrive")]),
 "overtime": dict(
  zt=[("晚上加班有钱拿吗", {}), ("周末加了班怎么补偿", {}), ("节假日加班是几倍工资", {})],
  zf=[("s", "能换成调休吗"), ("p", "这个要怎么申请"), ("s", "调休有效期多久"), ("p", "那它有上限吗")],
  et=[("do you pay for extra hours", {}), ("what happens if i work on a weekend, do i get paid", {}), ("how is holiday overtime compensated", {})],
  ef=[("s", "can i take time in lieu instead"), ("p", "how do i claim it"), ("s", "is there a monthly cap"), ("p", "who approves that")]),
 "remote_work": dict(
  zt=[("可以在家办公吗", {}), ("一周能远程几天", {}), ("可以一半时间在家一半在公司吗", {})],
  zf=[("p", "这个需要领导批准吗"), ("s", "新人入职第一个月也行吗"), ("p", "那这个每个团队都一样吗"), ("s", "远程的时候要打卡吗")],
  et=[("is working from home allowed", {}), ("how many wfh days per week", {}), ("do you offer a hybrid setup", {})],
  ef=[("p", "does that need approval?"), ("s", "even in the first month?"), ("p", "is it the same across teams"), ("s", "can i do it from another city")]),
 "salary_structure": dict(
  zt=[("校招生的工资是怎么构成的", {"track": "campus"}), ("社招薪资一般包括哪几块", {"track": "experienced"}), ("年终奖大概几个月", {})],
  zf=[("s", "有十三薪吗"), ("p", "这里面绩效占多少"), ("s", "绩效奖金怎么算"), ("p", "那这个税前还是税后")],
  et=[("what does the pay package look like for new grads", {"track": "campus"}), ("how is compensation structured for experienced hires", {"track": "experienced"}), ("is there a year-end bonus", {})],
  ef=[("s", "is there a 13th month?"), ("p", "how much of it is variable"), ("s", "how is the bonus decided"), ("p", "is that before tax")]),
 "payday": dict(
  zt=[("每个月几号打工资", {}), ("薪水什么时候到账", {}), ("工资是月初还是月底发", {})],
  zf=[("s", "遇到节假日会提前吗"), ("p", "这个第一个月也一样吗"), ("s", "发到哪张银行卡"), ("p", "那它会推迟吗")],
  et=[("which day of the month do we get paid", {}), ("when does salary hit my account", {}), ("is pay monthly or twice a month", {})],
  ef=[("s", "what if it falls on a holiday"), ("p", "is that the same in the first month"), ("s", "which bank do i need"), ("p", "has it ever been late")]),
 "social_insurance": dict(
  zt=[("深圳的公积金比例是多少", {"city": "shenzhen"}), ("五险一金按什么基数交", {}), ("北京那边社保怎么交的", {"city": "beijing"})],
  zf=[("s", "个人要出多少"), ("p", "这个从入职当月开始吗"), ("s", "有补充医疗吗"), ("p", "那这个能转到别的城市吗")],
  et=[("what's the housing fund rate in shanghai", {"city": "shanghai"}), ("how does social insurance work here", {}), ("what pension contributions do you make in chengdu", {"city": "chengdu"})],
  ef=[("s", "how much comes out of my pay"), ("p", "does it start from my first month"), ("s", "is there extra medical cover"), ("p", "can i transfer it later")]),
 "allowances": dict(
  zt=[("有饭补吗", {}), ("交通费公司报销吗", {}), ("每个月有话费补助吗", {})],
  zf=[("p", "这个是多少钱"), ("s", "跟工资一起发吗"), ("p", "那它要交税吗"), ("s", "实习的有没有")],
  et=[("do we get any food allowance", {}), ("do you cover commuting costs", {}), ("is there a phone stipend", {})],
  ef=[("p", "how much is it"), ("s", "is it paid with salary"), ("p", "is that taxed"), ("s", "do interns get one too")]),
 "housing_support": dict(
  zt=[("新员工能住宿舍吗", {}), ("杭州有租房补贴吗", {"city": "hangzhou"}), ("公司提供人才公寓吗", {})],
  zf=[("s", "能住多久"), ("p", "这个怎么申请"), ("s", "要交房租吗"), ("p", "那这个名额多吗")],
  et=[("do new hires get a dorm", {}), ("is there a rent subsidy in shenzhen", {"city": "shenzhen"}), ("does the company offer talent apartments", {})],
  ef=[("s", "how long can i stay"), ("p", "how do i sign up for it"), ("s", "do i pay any rent"), ("p", "are there enough places")]),
 "relocation": dict(
  zt=[("异地入职搬家费能报吗", {}), ("从外地过来有安家费吗", {}), ("社招搬迁补贴有多少", {"track": "experienced"})],
  zf=[("p", "这个要发票吗"), ("s", "机票能报吗"), ("p", "那它有上限吗"), ("s", "家属的路费算吗")],
  et=[("do you pay for moving costs", {}), ("is there a relocation package for new hires", {}), ("how much relocation support do experienced hires get", {"track": "experienced"})],
  ef=[("p", "do i need receipts for that"), ("s", "are flights covered"), ("p", "is there a cap on it"), ("s", "what about my family's travel")]),
 "probation": dict(
  zt=[("试用期要多久", {}), ("校招生有试用期吗", {"track": "campus"}), ("转正前的考察期几个月", {})],
  zf=[("p", "这期间工资打折吗"), ("s", "能提前转正吗"), ("p", "那它会延长吗"), ("s", "考核不合格会怎样")],
  et=[("how long is the probation period", {}), ("do new grads have probation", {"track": "campus"}), ("how many months before i'm confirmed", {})],
  ef=[("p", "is it paid in full?"), ("s", "can it end early"), ("p", "can they extend it"), ("s", "what's reviewed at the end")]),
 "interview_process": dict(
  zt=[("校招面试一般有几轮", {"track": "campus"}), ("社招面试流程是怎样的", {"track": "experienced"}), ("技术岗面试都有哪些环节", {})],
  zf=[("s", "需要刷题吗"), ("p", "这个是线上还是线下"), ("s", "会有HR面吗"), ("p", "那它大概多长时间")],
  et=[("how many interview rounds are there for new grads", {"track": "campus"}), ("what's the interview process for experienced candidates", {"track": "experienced"}), ("what stages does a technical interview have", {})],
  ef=[("s", "should i practice leetcode"), ("p", "is that on site or remote"), ("s", "is there an hr round"), ("p", "how long does it take")]),
 "interview_result": dict(
  zt=[("面完一般要等多久才有结果", {}), ("面试通过了会怎么通知我", {}), ("终面后一般几天有消息", {})],
  zf=[("p", "这个会发邮件吗"), ("s", "没过也会告诉我吗"), ("p", "那它超过一周还没有正常吗"), ("s", "可以查反馈吗")],
  et=[("how soon will i hear back after the interview", {}), ("how do you tell people they passed", {}), ("when do final round results come out", {})],
  ef=[("p", "will that come by email"), ("s", "do you tell people who didn't make it"), ("p", "is it normal if it takes two weeks"), ("s", "can i get feedback")]),
 "interview_reschedule": dict(
  zt=[("面试时间能改吗", {}), ("明天的面试我去不了怎么办", {}), ("想取消面试该找谁", {})],
  zf=[("p", "这个要提前多久说"), ("s", "改到下周可以吗"), ("p", "那它会影响结果吗"), ("s", "能改成线上吗")],
  et=[("can i move my interview to another day", {}), ("i can't make my interview tomorrow, what do i do", {}), ("i need to call off my interview, how", {})],
  ef=[("p", "how much notice do you need for that"), ("s", "is next week ok"), ("p", "will it hurt my chances"), ("s", "can it be done online instead")]),
 "application_status": dict(
  zt=[("我投的简历现在什么状态", {}), ("怎么看申请进度", {}), ("申请提交两周了还没回音", {})],
  zf=[("p", "这个在哪里能查"), ("s", "显示已筛选是什么意思"), ("p", "那它一直不动怎么办"), ("s", "多久会更新")],
  et=[("any update on where my application stands", {}), ("where can i track my application", {}), ("it's been two weeks since i applied with no reply", {})],
  ef=[("p", "where do i check that"), ("s", "what does 'in review' mean"), ("p", "what if it stays stuck"), ("s", "how often is it updated")]),
 "how_to_apply": dict(
  zt=[("在哪投简历", {}), ("校招从哪里报名参加", {"track": "campus"}), ("可以内推吗", {})],
  zf=[("s", "能同时投两个岗位吗"), ("p", "这个有截止时间吗"), ("s", "社招也能这样吗"), ("p", "那这个需要附作品集吗")],
  et=[("where do i submit my resume", {}), ("how do new grads sign up", {"track": "campus"}), ("can someone refer me", {})],
  ef=[("s", "can i go for two roles at once"), ("p", "is there a deadline for that"), ("s", "does a cover letter help"), ("p", "does it need a portfolio")]),
 "campus_timeline": dict(
  zt=[("秋招什么时候开始", {}), ("春招一般几月份", {}), ("校园招聘的时间安排是怎样的", {})],
  zf=[("p", "这个什么时候截止"), ("s", "错过了还有补录吗"), ("p", "那它每年都一样吗"), ("s", "宣讲会在哪几所学校")],
  et=[("when does autumn campus hiring open", {}), ("what months is spring recruiting", {}), ("what's the campus recruiting calendar", {})],
  ef=[("p", "when does it close"), ("s", "is there a second chance if i miss it"), ("p", "is that the same every year"), ("s", "which universities do you visit")]),
 "written_test": dict(
  zt=[("笔试考什么内容", {}), ("在线测评是什么形式", {}), ("校招的笔试难不难", {"track": "campus"})],
  zf=[("p", "这个可以重考吗"), ("s", "多长时间"), ("p", "那它会监考吗"), ("s", "能用什么编程语言")],
  et=[("what's on the online assessment", {}), ("what format is the written test", {}), ("is the campus coding test hard", {"track": "campus"})],
  ef=[("p", "can i retake it"), ("s", "how long is it"), ("p", "is it proctored"), ("s", "which languages can i code in")]),
 "offer_details": dict(
  zt=[("offer里会写哪些内容", {}), ("录用通知一般什么时候发", {}), ("校招offer包括什么", {"track": "campus"})],
  zf=[("s", "薪资可以再谈吗"), ("p", "这个是电子版还是纸质"), ("s", "会写明职级吗"), ("p", "那它有有效期吗")],
  et=[("what's included in an offer letter", {}), ("when do offers usually go out", {}), ("what does a new grad offer contain", {"track": "campus"})],
  ef=[("s", "can i negotiate the number"), ("p", "is it sent by email"), ("s", "does it state my level"), ("p", "does it expire")]),
 "offer_decision": dict(
  zt=[("offer要在几天内答复", {}), ("我想拒掉offer怎么操作", {}), ("接了offer之后还能反悔吗", {})],
  zf=[("s", "能延期答复吗"), ("p", "这个需要写邮件吗"), ("s", "会有什么后果"), ("p", "那它会影响以后再投吗")],
  et=[("how long do i have to accept the offer", {}), ("how do i turn down an offer", {}), ("is it ok to withdraw once i've accepted", {})],
  ef=[("s", "can i get more time"), ("p", "do i do that by email"), ("s", "is there any penalty"), ("p", "would that affect future applications")]),
 "three_party_agreement": dict(
  zt=[("三方协议什么时候签", {}), ("三方怎么寄给公司", {}), ("三方协议签完还能解约吗", {})],
  zf=[("s", "毁约要交违约金吗"), ("p", "这个需要学校盖章吗"), ("s", "电子三方可以吗"), ("p", "那它丢了怎么办")],
  et=[("when do we sign the tripartite agreement", {}), ("how do i send the three-party agreement", {}), ("can the tripartite agreement be cancelled", {})],
  ef=[("s", "is there a breach fee"), ("p", "does it need the school's stamp"), ("s", "is an electronic version ok"), ("p", "what if i lose it")]),
 "onboarding_documents": dict(
  zt=[("报到那天要带什么材料", {}), ("入职需要准备哪些证件", {}), ("第一天上班要交什么资料", {})],
  zf=[("s", "学位证要原件吗"), ("p", "这个复印件可以吗"), ("s", "离职证明必须吗"), ("p", "那它要提前寄吗")],
  et=[("what paperwork do i bring on day one", {}), ("which documents are needed for onboarding", {}), ("what should i hand in on my first day", {})],
  ef=[("s", "do you need the original diploma"), ("p", "is a copy of it fine"), ("s", "do i need a separation certificate"), ("p", "should i mail them ahead")]),
 "start_date": dict(
  zt=[("什么时候可以入职", {}), ("报到日期可以往后延吗", {}), ("我能早点来上班吗", {})],
  zf=[("p", "这个最晚能到几月"), ("s", "需要谁同意"), ("p", "那它会影响offer吗"), ("s", "毕业前能先来吗")],
  et=[("when would my first day be", {}), ("can i push back my start date", {}), ("is it possible to start earlier", {})],
  ef=[("p", "how late can it be"), ("s", "who has to approve"), ("p", "will that affect the offer"), ("s", "could i join before my graduation")]),
 "background_check": dict(
  zt=[("会做背景调查吗", {}), ("背调一般查哪些", {}), ("背景核查多久能做完", {})],
  zf=[("p", "这个会联系我前公司吗"), ("s", "需要我授权吗"), ("p", "那它没通过会怎样"), ("s", "学历会核实吗")],
  et=[("do you run background checks", {}), ("what does the background screening look at", {}), ("how many days does background screening usually need", {})],
  ef=[("p", "will it involve calling my old employer"), ("s", "do i have to consent"), ("p", "what if it fails"), ("s", "do you verify degrees")]),
 "medical_exam": dict(
  zt=[("入职体检在哪家医院做", {}), ("体检都查什么项目", {}), ("入职前必须体检吗", {})],
  zf=[("p", "那这个谁出钱"), ("s", "要空腹吗"), ("p", "那它有效期多久"), ("s", "自己找医院可以吗")],
  et=[("where do i get the pre-employment medical", {}), ("what does the medical exam include", {}), ("is a health check required before joining", {})],
  ef=[("p", "who pays for it"), ("s", "should i fast beforehand"), ("p", "how long is it valid"), ("s", "can i use my own clinic")]),
 "intern_conversion": dict(
  zt=[("实习生有机会转正吗", {}), ("实习结束怎么拿留用offer", {}), ("转正答辩怎么安排", {})],
  zf=[("s", "比例高吗"), ("p", "这个什么时候评估"), ("s", "需要实习满多久"), ("p", "那它看哪些方面")],
  et=[("do interns ever get a full-time offer at the end", {}), ("how does intern-to-full-time conversion work", {}), ("when do they hold the conversion assessment", {})],
  ef=[("s", "what share of interns get one"), ("p", "when is that decided"), ("s", "how long must i intern first"), ("p", "what does it depend on")]),
 "internship_requirements": dict(
  zt=[("实习一周要来几天", {}), ("实习最少要做多久", {}), ("实习工资一天多少", {})],
  zf=[("p", "这个可以少来一天吗"), ("s", "寒假能来吗"), ("p", "那它按天算钱吗"), ("s", "大一可以申请吗")],
  et=[("how many days a week do interns work", {}), ("what's the minimum internship length", {}), ("how much are interns paid per day", {})],
  ef=[("p", "can i do fewer days than that"), ("s", "is winter break ok"), ("p", "is it paid by the day"), ("s", "can first-years apply")]),
 "training_development": dict(
  zt=[("新人入职有培训吗", {}), ("会给新员工配导师吗", {}), ("每年有学习预算吗", {})],
  zf=[("p", "这个要多长时间"), ("s", "可以报外面的课吗"), ("p", "那它是线上的吗"), ("s", "考证能报销吗")],
  et=[("is there training for new joiners", {}), ("do new hires get a mentor", {}), ("is there a yearly learning budget", {})],
  ef=[("p", "how long does it last"), ("s", "can i use it for outside courses"), ("p", "is it online"), ("s", "are certifications covered")]),
 "promotion": dict(
  zt=[("晋升一年有几次机会", {}), ("职级是怎么划分的", {}), ("升职要满足什么条件", {})],
  zf=[("p", "这个是几月份评"), ("s", "可以跳级吗"), ("p", "那它会涨薪吗"), ("s", "需要答辩吗")],
  et=[("how frequently do promotion cycles run", {}), ("how are the job levels set up", {}), ("what does it take to get promoted", {})],
  ef=[("p", "when does that happen"), ("s", "is skipping a level possible"), ("p", "does it come with a raise"), ("s", "is there a panel review")]),
}
# Bare slot follow-ups: slot -> [(text, value)]; last of each list for the test split.
SLOT_FU = {
 "zh": {"leave_type": [("那病假呢", "sick"), ("事假的话", "personal"), ("如果是丧假呢", "bereavement"), ("陪产假呢", "paternity")],
        "track": [("实习生呢", "intern"), ("社招的话呢", "experienced"), ("应届生呢", "campus"), ("那实习的呢", "intern")],
        "city": [("深圳呢", "shenzhen"), ("那成都的话", "chengdu"), ("上海呢", "shanghai"), ("杭州的呢", "hangzhou")]},
 "en": {"leave_type": [("what about sick leave?", "sick"), ("and personal days?", "personal"), ("and bereavement leave?", "bereavement"), ("what about paternity leave", "paternity")],
        "track": [("what about interns?", "intern"), ("and for experienced hires?", "experienced"), ("same for new grads?", "campus"), ("and interns?", "intern")],
        "city": [("and in shenzhen?", "shenzhen"), ("what about chengdu", "chengdu"), ("same for shanghai?", "shanghai"), ("and hangzhou?", "hangzhou")]},
}
OOS = {
 "zh": ["你是chatgpt吗", "今天股票涨了没", "帮我写一首诗", "附近有什么好吃的", "周末去哪玩比较好", "给我讲个笑话", "明天会下雨吗", "世界杯谁夺冠了"],
 "en": ["are you chatgpt", "what's the stock market doing", "write me a poem", "any good restaurants nearby", "tell me a joke", "who won the football last night", "will it rain tomorrow", "what's the capital of peru"],
}
CLOSE = {"zh": ["好的 太感谢了", "明白了，多谢"], "en": ["great, thanks", "got it, thank you"]}
