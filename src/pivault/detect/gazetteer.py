"""Word lists for the name and address recognizers (data only, no logic).

Surnames: about 400 frequent single-character surnames and the compound
surnames still in use. Places: provinces,
municipalities and prefecture-level cities, which anchor the start of an
address so that "住在北京市…" does not swallow "住在".
"""

from __future__ import annotations


def words(text: str) -> tuple[str, ...]:
    """Split a whitespace-separated word list (keeps the data compact and readable)."""
    return tuple(text.split())


COMPOUND_SURNAMES = frozenset(
    words(
        "万俟 上官 东方 东郭 令狐 公孙 公羊 单于 南宫 司徒 司空 司马 呼延 夏侯 太史 宇文 "
        "尉迟 慕容 欧阳 淳于 澹台 濮阳 独孤 申屠 百里 皇甫 端木 西门 诸葛 赫连 轩辕 钟离 "
        "长孙 闻人"
    )
)

SINGLE_SURNAMES = frozenset(
    "丁万丛严丰乌乐乔于云亓井亢仇付仝仲任伊伍伏但位何佘余佟侯俞信修倪傅储元党全公兰关"
    "冀冉农冯况冶冷冼凌刁刘初利劳勾包匡区华卓单南卜卞卢卫印危卿厉原古史叶司吉向吕吴周"
    "呼和哈唐商喻夏奉奚姚姜姬娄孔孙孟季宁安宋宗宣宫容宾宿寇富封尉尚尤尧尹居屈展屠岑岳"
    "崔嵇左巩巫巴帅师席常干幸庄应庞康廉廖张彭徐惠慕戈戎成战戚戴房扈揭支敖敬文斯方於施"
    "时明易昝晁晋晏普景智曲曹曾朱朴权李杜束来杨杭林柏查柯柳柴栗栾桂桑梁梅植楚楼樊檀欧"
    "武段殷母毕毛江池汤汪沈沙浦涂温游湛滕满漆潘焦熊燕牛牟狄玉王班甄甘田由申白皮盖盘盛"
    "相瞿石祁祖祝禹秦程穆窦章童符简管米粟索纪练缪罗羊翁翟耿聂肖胡胥臧舒艾芦芮花苏苑苗"
    "苟范茅茹荆荣莫葛董蒋蒙蒲蓝蔡蔺薄薛虞衡衣袁裘裴褚覃解詹计许诸谈谌谢谭谷豆费贺贾赫"
    "赵路车辛辜边连迟逯邓邝邢那邬邰邱邵邸邹郁郎郑郜郝郭都鄢金钟钱银门闫闭闵闻阎阙阚阮"
    "阳阴阿陆陈陶隆隋雍雷霍靳鞠韦韩项顾颜饶马骆高魏鲁鲍鲜鹿麦麻黄黎齐龙龚"
)

#: Traditional-script forms of common surnames (Hong Kong, Macau, Taiwan).
TRADITIONAL_SURNAMES = frozenset(
    "陳張黃吳劉趙鄭孫錢馮蕭羅葉許謝盧魯龐衛蔣鍾鐘鄧韓楊賴顏閻陸齊嚴龍關鄒譚聶蘇溫賈鄔歐鮑簡紀"
    "莊湯鄺麥饒萬賀龔區諸劉"
)
TRADITIONAL_COMPOUND_SURNAMES = frozenset(words("歐陽 諸葛 司徒 上官 司馬 鍾離 長孫"))

#: Pinyin of the common surnames (for names written in Latin letters).
PINYIN_SURNAMES = frozenset(
    words(
        "an bai bao bi bo cai cao chai che chen cheng cui dai deng ding dong dongfang du "
        "duan duanmu dugu fan fang feng fu gan gao ge geng gong gongsun gu guan guo han "
        "hao he hou hu huang huangfu huo ji jia jiang jiao jin jing kang ke kong lan lei "
        "li liang liao lin ling linghu liu long lou lu luo lv lyu ma mao mei meng miao mo "
        "mu murong nangong ni nie ning niu ou ouyang pan pang pei peng qi qian qiao qin "
        "qiu qu ran ren ruan shan shang shangguan shao shen shi shu sima situ song su sun "
        "tan tang tao tian tong tu wan wang wei weng wu xia xiahou xiang xiao xie xin "
        "xing xiong xu xue yan yang yao ye yi yin yu yuan yuchi yue yuwen zeng zhai zhan "
        "zhang zhangsun zhao zheng zhong zhou zhu zhuang zhuge zhuo zou zuo"
    )
)

PROVINCES = tuple(
    words(
        "北京市 天津市 上海市 重庆市 北京 天津 上海 重庆 河北省 山西省 辽宁省 吉林省 "
        "黑龙江省 江苏省 浙江省 安徽省 福建省 江西省 山东省 河南省 湖北省 湖南省 广东省 "
        "海南省 四川省 贵州省 云南省 陕西省 甘肃省 青海省 台湾省 河北 山西 辽宁 黑龙江 "
        "江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 四川 贵州 云南 陕西 甘肃 "
        "青海 内蒙古自治区 广西壮族自治区 西藏自治区 宁夏回族自治区 新疆维吾尔自治区 "
        "内蒙古 广西 西藏 宁夏 新疆 香港特别行政区 澳门特别行政区 香港 澳门"
    )
)

CITIES = tuple(
    words(
        "石家庄 唐山 秦皇岛 邯郸 邢台 保定 张家口 承德 沧州 廊坊 衡水 太原 大同 阳泉 长治 "
        "晋城 朔州 晋中 运城 忻州 临汾 吕梁 呼和浩特 包头 乌海 赤峰 通辽 鄂尔多斯 "
        "呼伦贝尔 沈阳 大连 鞍山 抚顺 本溪 丹东 锦州 营口 阜新 辽阳 盘锦 铁岭 葫芦岛 长春 "
        "四平 辽源 通化 白山 松原 白城 哈尔滨 齐齐哈尔 鸡西 鹤岗 双鸭山 大庆 伊春 佳木斯 "
        "七台河 牡丹江 黑河 绥化 南京 无锡 徐州 常州 苏州 南通 连云港 淮安 盐城 扬州 镇江 "
        "泰州 宿迁 杭州 宁波 温州 嘉兴 湖州 绍兴 金华 衢州 舟山 台州 丽水 合肥 芜湖 蚌埠 "
        "淮南 马鞍山 淮北 铜陵 安庆 黄山 滁州 阜阳 宿州 六安 亳州 池州 宣城 福州 厦门 "
        "莆田 三明 泉州 漳州 南平 龙岩 宁德 南昌 景德镇 萍乡 九江 新余 鹰潭 赣州 吉安 "
        "宜春 抚州 上饶 济南 青岛 淄博 枣庄 东营 烟台 潍坊 济宁 泰安 威海 日照 临沂 德州 "
        "聊城 滨州 菏泽 郑州 开封 洛阳 平顶山 安阳 鹤壁 新乡 焦作 濮阳 许昌 漯河 三门峡 "
        "南阳 商丘 信阳 周口 驻马店 武汉 黄石 十堰 宜昌 襄阳 鄂州 荆门 孝感 荆州 黄冈 "
        "咸宁 随州 长沙 株洲 湘潭 衡阳 邵阳 岳阳 常德 张家界 益阳 郴州 永州 怀化 娄底 "
        "广州 韶关 深圳 珠海 汕头 佛山 江门 湛江 茂名 肇庆 惠州 梅州 汕尾 河源 阳江 清远 "
        "东莞 中山 潮州 揭阳 云浮 南宁 柳州 桂林 梧州 北海 防城港 钦州 贵港 玉林 百色 "
        "贺州 河池 来宾 崇左 海口 三亚 儋州 成都 自贡 攀枝花 泸州 德阳 绵阳 广元 遂宁 "
        "内江 乐山 南充 眉山 宜宾 广安 达州 雅安 巴中 资阳 贵阳 六盘水 遵义 安顺 毕节 "
        "铜仁 昆明 曲靖 玉溪 保山 昭通 丽江 普洱 临沧 拉萨 日喀则 西安 铜川 宝鸡 咸阳 "
        "渭南 延安 汉中 榆林 安康 商洛 兰州 嘉峪关 金昌 白银 天水 武威 张掖 平凉 酒泉 "
        "庆阳 定西 陇南 西宁 海东 银川 石嘴山 吴忠 固原 中卫 乌鲁木齐 克拉玛依 吐鲁番 "
        "哈密"
    )
)

#: Pinyin city and province names for addresses written in English.
PINYIN_PLACES = frozenset(
    words(
        "anhui beijing changchun changsha changzhou chengdu chongqing dalian dongguan "
        "foshan fujian fuzhou gansu guangdong guangxi guangzhou guiyang guizhou haikou "
        "hainan hangzhou harbin hebei hefei heilongjiang henan hubei hunan jiangsu "
        "jiangxi jiaxing jilin jinan kunming lanzhou lhasa liaoning nanjing nanning "
        "nantong ningbo qingdao sanya shaanxi shandong shanghai shanxi shaoxing shenyang "
        "shenzhen shijiazhuang sichuan suzhou taiyuan tianjin urumqi wenzhou wuhan wuxi "
        "xi'an xiamen xian xining yinchuan yunnan zhejiang zhengzhou zhuhai"
    )
)
